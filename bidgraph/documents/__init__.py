"""Bid documents (投标文件): reading PDF/.docx/text into sections and metadata, 标书雷同
similarity that explains itself, and loading both into the graph."""

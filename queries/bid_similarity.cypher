// id: bid_similarity
// title: 标书雷同（投标文件异常一致）
// detector: bid_similarity
// description: >
//   不同投标人的投标文件在扣除招标文件原文与多数投标人共用的模板、套话（基数）后仍大段雷同，
//   或出现相同的错别字、相同的错误数字、相同的异常格式，或报价清单综合单价大量相同。
//   相似度由 bidgraph documents load 计算（MinHash/LSH 候选 + 逐段比对），匹配段落附偏移量。
// legal_ground: 《招标投标法实施条例》第40条第①项（投标文件由同一单位或者个人编制）、第④项（投标文件异常一致或者投标报价呈规律性差异）
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
//   - {name: min_score, type: float, default: 50, min: 0, max: 100, label: 雷同分下限（0–100）}
// columns: [tender, a, b, score, containment, sections, shared_errors, identical_prices, passages, path_a, similar, path_b]
// evidence: [path_a, similar, path_b]
// finding:
//   group_by: [tender, a, b]
//   score: 80
//   summary: "{a}与{b}在标段{tender}的投标文件雷同（雷同分{score}，共同错误：{shared_errors}）"
//   figures: {score: 雷同分, containment: 扣除样板后重合比例, shared_errors: 共同错误, identical_prices: 相同综合单价数, sections: 分章节重合度}
// tags: [标书雷同, 第40条, 电子投标]
MATCH (ba:Bid)-[s:SIMILAR_TO]->(bb:Bid)
WHERE s.score >= $min_score
MATCH path_a = (a:Company)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba)-[:FOR]->(t:Tender)
MATCH path_b = (b:Company)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb)-[:FOR]->(tb:Tender)
WITH *
WHERE a <> b AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
MATCH similar = (da:Document)<-[:HAS_DOCUMENT]-(ba)-[:SIMILAR_TO]->(bb)-[:HAS_DOCUMENT]->(db:Document)
RETURN t.code AS tender, a, b, s.score AS score, s.containment AS containment, s.sections AS sections,
       s.shared_errors AS shared_errors, s.identical_prices AS identical_prices, s.passages AS passages,
       path_a, similar, path_b

// id: market_bids
// title: 投标明细（抱团、轮流中标、陪标、中标率与报价分析的输入）
// description: >
//   每条投标一行：标段、投标人、报价、是否中标、是否有效。与 market_tenders（标段的行业、地区、开标日期、
//   最高限价）按标段合并后，抱团投标、轮流中标、陪标、标王和报价离散度分析在此结果上用 Python 计算。
// columns: [tender, bidder, price, won, valid]
// tags: [数据, 投标]
MATCH (bid:Bid)
RETURN bid.tender_code AS tender, bid.bidder_key AS bidder, bid.price AS price, bid.won AS won, bid.valid AS valid

// id: market_bids
// title: 投标明细（抱团、轮流中标、陪标、中标率与报价分析的输入）
// description: >
//   开标日期、地区、行业符合条件的标段上的每条投标一行（未注明开标日期的标段在任何日期范围内都保留，与 market_tenders 一致）：标段、投标人、报价、是否中标、是否有效（先按范围筛选标段，
//   再读投标）。与 market_tenders（同样的范围参数）按标段合并后，抱团投标、轮流中标、陪标、标王和报价离散度分析在此结果上用 Python 计算。
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
// columns: [tender, bidder, price, won, valid]
// tags: [数据, 投标]
MATCH (t:Tender)
WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
MATCH (bid:Bid)
WHERE bid.tender_code = t.code
RETURN bid.tender_code AS tender, bid.bidder_key AS bidder, bid.price AS price, bid.won AS won, bid.valid AS valid

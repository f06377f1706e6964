// id: market_tenders
// title: 标段清单（市场分析的范围）
// description: 开标日期（无日期的标段始终保留）、地区、行业符合条件的标段，带行业、地区、开标日期和最高投标限价。
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
// columns: [tender, industry, region, bid_open, ceiling]
// tags: [数据, 标段]
MATCH (t:Tender)
WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
RETURN t.code AS tender, t.industry AS industry, t.region AS region, t.bid_open AS bid_open, t.ceiling_price AS ceiling

// id: corporate_control
// title: 存在控股或同一控制人的单位参加同一标段
// detector: corporate_control
// description: >
//   同一标段的两个投标人之间存在控股关系（一方持有另一方达到阈值的股份），或被同一自然人/企业
//   共同控股（按开标日判断股权是否有效）。联合体与其成员视为同一方。
// legal_ground: 《招标投标法实施条例》第34条（存在控股、管理关系的不同单位不得参加同一标段投标）
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
//   - {name: min_pct, type: float, default: 50, min: 0, max: 100, label: 控股最低持股比例（%）}
// columns: [tender, a, b, holder, pct_a, pct_b, path_a, path_b, lead]
// evidence: [path_a, path_b]
// finding:
//   group_by: [tender, a, b]
//   score: 90
//   summary: "{lead}{b}（{pct_b}%），两家共同投标{tender}"
//   figures: {pct_a: 对甲方持股（%）, pct_b: 对乙方持股（%）}
// tags: [股权关联, 第34条]
MATCH role_a = (holder)-[ra:SHAREHOLDER_OF]->(a:Company), role_b = (holder)-[rb:SHAREHOLDER_OF]->(b:Company)
WHERE a.key < b.key AND ra.pct >= $min_pct AND rb.pct >= $min_pct
MATCH bid_a = (a)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba:Bid)-[:FOR]->(t:Tender)
MATCH bid_b = (b)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb:Bid)-[:FOR]->(t)
WITH *
WHERE ba <> bb AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (ra.start IS NULL OR ra.start <= t.bid_open) AND (ra.end IS NULL OR ra.end >= t.bid_open)
  AND (rb.start IS NULL OR rb.start <= t.bid_open) AND (rb.end IS NULL OR rb.end >= t.bid_open)
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
RETURN t.code AS tender, a, b, holder, ra.pct AS pct_a, rb.pct AS pct_b, [role_a, bid_a] AS path_a, [role_b, bid_b] AS path_b,
       coalesce(holder.name, holder.key) + '控制' + coalesce(a.name, a.key) + '（' + toString(toInteger(round(ra.pct))) + '%）与' AS lead
UNION
MATCH role_a = (a:Company)-[ra:SHAREHOLDER_OF]->(b:Company)
WHERE ra.pct >= $min_pct
MATCH bid_a = (a)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba:Bid)-[:FOR]->(t:Tender)
MATCH bid_b = (b)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb:Bid)-[:FOR]->(t)
WITH *
WHERE ba <> bb AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (ra.start IS NULL OR ra.start <= t.bid_open) AND (ra.end IS NULL OR ra.end >= t.bid_open)
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
// a holds b itself: the summary says so instead of 「甲控制甲（100%）」
RETURN t.code AS tender, a, b, a AS holder, 100.0 AS pct_a, ra.pct AS pct_b, [role_a, bid_a] AS path_a, bid_b AS path_b,
       coalesce(a.name, a.key) + '持有' AS lead

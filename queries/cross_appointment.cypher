// id: cross_appointment
// title: 交叉任职
// detector: cross_appointment
// description: >
//   同一自然人在同一标段的两个投标人中同时担任法定代表人、董事、监事、经理、财务负责人或股东
//   （按开标日判断任职是否有效）。联合体与其成员视为同一方，不相互比对。
// legal_ground: 《招标投标法实施条例》第34条、第40条第②项；《政府采购法实施条例》第74条
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
//   - {name: min_pct, type: float, default: 0, min: 0, max: 100, label: 股东最低持股比例（%）}
// columns: [tender, a, b, person, role_a, role_b, path_a, path_b]
// evidence: [path_a, path_b]
// finding:
//   group_by: [tender, a, b]
//   score: 85
//   summary: "{person}同时在{a}和{b}任职，两家共同投标{tender}"
//   figures: {role_a: 甲方职务, role_b: 乙方职务}
// tags: [人员关联, 第34条, 串通投标]
MATCH role_a = (person:Person)-[ra:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF]->(a:Company), role_b = (person)-[rb:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF]->(b:Company)
WHERE a.key < b.key AND coalesce(ra.pct, 100) >= $min_pct AND coalesce(rb.pct, 100) >= $min_pct
MATCH bid_a = (a)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba:Bid)-[:FOR]->(t:Tender)
MATCH bid_b = (b)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb:Bid)-[:FOR]->(t)
WITH *
WHERE ba <> bb AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (ra.start IS NULL OR ra.start <= t.bid_open) AND (ra.end IS NULL OR ra.end >= t.bid_open)
  AND (rb.start IS NULL OR rb.start <= t.bid_open) AND (rb.end IS NULL OR rb.end >= t.bid_open)
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
RETURN t.code AS tender, a, b, person,
       coalesce(ra.position, CASE type(ra) WHEN 'LEGAL_REP_OF' THEN '法定代表人' ELSE '股东' END) AS role_a,
       coalesce(rb.position, CASE type(rb) WHEN 'LEGAL_REP_OF' THEN '法定代表人' ELSE '股东' END) AS role_b,
       [role_a, bid_a] AS path_a, [role_b, bid_b] AS path_b

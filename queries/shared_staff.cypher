// id: shared_staff
// title: 人员混用（同一人为两个投标人办理投标）
// detector: shared_staff
// description: >
//   同一标段中，同一人担任两个投标人的项目负责人或委托代理人，或一个投标人的项目负责人/代理人
//   是另一投标人的员工，或同一人同时在两个投标人缴纳社保（按开标日判断）。联合体与其成员视为同一方。
// legal_ground: 《招标投标法实施条例》第40条第②项、第③项
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
// columns: [tender, a, b, person, how, path_a, path_b]
// evidence: [path_a, path_b]
// finding:
//   group_by: [tender, a, b]
//   score: 85
//   summary: "{person}同时为{a}和{b}办理标段{tender}的投标（{how}）"
//   figures: {how: 方式}
// tags: [人员混用, 第40条]
MATCH (person:Person)<-[:PROJECT_MANAGER|AGENT]-(bid:Bid)
WITH person, bid.tender_code AS code, collect(bid) AS bids
WHERE size(bids) >= 2
UNWIND bids AS ba
UNWIND bids AS bb
WITH person, ba, bb
WHERE ba.key < bb.key
MATCH staff = (ba)-[ra:PROJECT_MANAGER|AGENT]->(person)<-[rb:PROJECT_MANAGER|AGENT]-(bb)
MATCH bid_a = (a:Company)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba)-[:FOR]->(t:Tender)
MATCH bid_b = (b:Company)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb)
WITH *
WHERE a <> b AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
RETURN t.code AS tender, a, b, person,
       CASE WHEN type(ra) = type(rb) AND type(ra) = 'AGENT' THEN '同为委托代理人' WHEN type(ra) = type(rb) THEN '同为项目负责人'
            ELSE '分别为项目负责人和委托代理人' END AS how, [bid_a, staff] AS path_a, bid_b AS path_b
UNION
MATCH staff = (ba:Bid)-[ra:PROJECT_MANAGER|AGENT]->(person:Person)-[e:EMPLOYED_BY]->(b:Company)
WHERE b.key <> ba.bidder_key
MATCH bid_a = (a:Company)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba)-[:FOR]->(t:Tender)
MATCH bid_b = (b)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb:Bid)-[:FOR]->(t)
WITH *
WHERE a <> b AND ba <> bb AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (e.start IS NULL OR e.start <= t.bid_open) AND (e.end IS NULL OR e.end >= t.bid_open)
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa) AND NOT (person)-[:EMPLOYED_BY]->(a)
RETURN t.code AS tender, a, b, person, CASE type(ra) WHEN 'AGENT' THEN '委托代理人' ELSE '项目负责人' END + '是另一投标人的员工' AS how,
       [bid_a, staff] AS path_a, bid_b AS path_b
UNION
MATCH role_a = (person:Person)-[ea:EMPLOYED_BY]->(a:Company), role_b = (person)-[eb:EMPLOYED_BY]->(b:Company)
WHERE a.key < b.key AND ea.basis = 'social_insurance' AND eb.basis = 'social_insurance'
MATCH bid_a = (a)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba:Bid)-[:FOR]->(t:Tender)
MATCH bid_b = (b)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb:Bid)-[:FOR]->(t)
WITH *
WHERE ba <> bb AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (ea.start IS NULL OR ea.start <= t.bid_open) AND (ea.end IS NULL OR ea.end >= t.bid_open)
  AND (eb.start IS NULL OR eb.start <= t.bid_open) AND (eb.end IS NULL OR eb.end >= t.bid_open)
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
RETURN t.code AS tender, a, b, person, '同时在两家缴纳社保' AS how, [role_a, bid_a] AS path_a, [role_b, bid_b] AS path_b

// id: shared_certificate
// title: 挂靠/挂证（项目负责人注册或社保在其他单位）
// detector: shared_staff
// description: >
//   投标人的项目负责人所持注册证书登记在另一家企业，或其社保（劳动关系）由另一家企业缴纳
//   （按开标日判断）；同一证书出现在同一标段两个投标人中时为一证多用。联合体成员不算其他企业。
// legal_ground: 《招标投标法实施条例》第40条第③项；《建筑业企业资质管理规定》（挂靠、挂证）
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
// columns: [tender, a, b, person, how, path_a, path_b]
// evidence: [path_a, path_b]
// finding:
//   group_by: [tender, a, b]
//   score: 70
//   summary: "{a}在标段{tender}的项目负责人{person}{how}{b}"
//   figures: {how: 方式}
// tags: [人员混用, 挂靠, 第40条]
MATCH staff = (ba:Bid)-[:PROJECT_MANAGER]->(person:Person)-[:HOLDS]->(:Certificate)-[:REGISTERED_WITH]->(b:Company)
WHERE b.key <> ba.bidder_key
MATCH bid_a = (a:Company)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba)-[:FOR]->(t:Tender)
WITH *
WHERE a <> b AND NOT (b)-[:MEMBER_OF]->(sa) AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
RETURN t.code AS tender, a, b, person, '的注册证书登记在' AS how, bid_a AS path_a, staff AS path_b
UNION
MATCH staff = (ba:Bid)-[:PROJECT_MANAGER]->(person:Person)-[e:EMPLOYED_BY]->(b:Company)
WHERE b.key <> ba.bidder_key AND e.basis = 'social_insurance'
MATCH bid_a = (a:Company)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba)-[:FOR]->(t:Tender)
WITH *
WHERE a <> b AND NOT (b)-[:MEMBER_OF]->(sa) AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (e.start IS NULL OR e.start <= t.bid_open) AND (e.end IS NULL OR e.end >= t.bid_open)
OPTIONAL MATCH (person)-[own:EMPLOYED_BY {basis: 'social_insurance'}]->(a)
OPTIONAL MATCH (b)-[:MEMBER_OF*0..1]->()-[:SUBMITTED]->(rival:Bid)-[:FOR]->(t)
WITH * WHERE own IS NULL AND rival IS NULL
RETURN t.code AS tender, a, b, person, '的社保由其他企业缴纳：' AS how, bid_a AS path_a, staff AS path_b

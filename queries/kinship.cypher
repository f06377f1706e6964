// id: kinship
// title: 投标人之间亲属关系
// detector: kinship
// description: >
//   同一标段两个投标人的人员（法定代表人、董事监事高管、股东、员工）之间存在亲属关系，
//   任职与亲属关系均按开标日判断。联合体与其成员视为同一方。
// legal_ground: 《招标投标法实施条例》第39条、第40条；《关于严厉打击串通投标等违法行为的通知》（投标人高级管理人员之间存在亲属关系）
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
//   - {name: min_confidence, type: float, default: 0.5, min: 0, max: 1, label: 亲属关系最低置信度}
// columns: [tender, a, b, person_a, person_b, relation, confidence, path_a, kin, path_b]
// evidence: [path_a, kin, path_b]
// finding:
//   group_by: [tender, a, b]
//   score: 75
//   summary: "{a}的{person_a}与{b}的{person_b}为{relation}关系，两家共同投标{tender}"
//   figures: {relation: 亲属关系, confidence: 置信度}
// tags: [人员关联, 亲属, 串通投标]
MATCH kin = (person_a:Person)-[k:KIN_OF]-(person_b:Person),
      role_a = (person_a)-[ra:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF|EMPLOYED_BY]->(a:Company), role_b = (person_b)-[rb:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF|EMPLOYED_BY]->(b:Company)
WHERE a.key < b.key AND person_a <> person_b AND coalesce(k.confidence, 1.0) >= $min_confidence
  AND NOT (person_a)-[:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF|EMPLOYED_BY]->(b)
MATCH bid_a = (a)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba:Bid)-[:FOR]->(t:Tender)
MATCH bid_b = (b)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb:Bid)-[:FOR]->(t)
WITH *
WHERE ba <> bb AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (k.start IS NULL OR k.start <= t.bid_open) AND (k.end IS NULL OR k.end >= t.bid_open)
  AND (ra.start IS NULL OR ra.start <= t.bid_open) AND (ra.end IS NULL OR ra.end >= t.bid_open)
  AND (rb.start IS NULL OR rb.start <= t.bid_open) AND (rb.end IS NULL OR rb.end >= t.bid_open)
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
RETURN t.code AS tender, a, b, person_a, person_b, k.relation AS relation, coalesce(k.confidence, 1.0) AS confidence,
       [role_a, bid_a] AS path_a, kin, [role_b, bid_b] AS path_b

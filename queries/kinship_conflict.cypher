// id: kinship_conflict
// title: 投标人与招标人、代理机构人员存在亲属关系（应回避）
// detector: kinship_conflict
// description: >
//   投标人的人员与该标段招标人、招标代理机构的人员存在亲属关系（评标专家的亲属关系见 expert_conflict）。
//   任职与亲属关系均按开标日判断。
// legal_ground: 《招标投标法实施条例》第46条（评标委员会成员与投标人有利害关系的应当回避）；《评标委员会和评标方法暂行规定》第12条
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
//   - {name: min_confidence, type: float, default: 0.5, min: 0, max: 1, label: 亲属关系最低置信度}
// columns: [tender, a, other, person, kin_person, relation, side, path_a, kin, path_o]
// evidence: [path_a, kin, path_o]
// finding:
//   group_by: [tender, a, other]
//   score: 80
//   summary: "投标人{a}的{person}与{side}{other}的{kin_person}为{relation}关系（标段{tender}）"
//   figures: {side: 回避对象, relation: 亲属关系}
// tags: [人员关联, 亲属, 回避]
MATCH kin = (person:Person)-[k:KIN_OF]-(kin_person:Person),
      path_o = (kin_person)-[ro:LEGAL_REP_OF|OFFICER_OF|EMPLOYED_BY]->(other)-[:TENDERED|AGENT_OF]->(t:Tender),
      role_a = (person)-[ra:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF|EMPLOYED_BY]->(a:Company)
WHERE coalesce(k.confidence, 1.0) >= $min_confidence AND person <> kin_person
  AND (k.start IS NULL OR k.start <= t.bid_open) AND (k.end IS NULL OR k.end >= t.bid_open)
  AND (ro.start IS NULL OR ro.start <= t.bid_open) AND (ro.end IS NULL OR ro.end >= t.bid_open)
  AND (ra.start IS NULL OR ra.start <= t.bid_open) AND (ra.end IS NULL OR ra.end >= t.bid_open)
MATCH bid_a = (a)-[:MEMBER_OF*0..1]->()-[:SUBMITTED]->(:Bid)-[:FOR]->(t)
WITH *
WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
RETURN t.code AS tender, a, other, person, kin_person, k.relation AS relation,
       CASE WHEN 'Agency' IN labels(other) THEN '招标代理机构' ELSE '招标人' END AS side, [role_a, bid_a] AS path_a, kin, path_o

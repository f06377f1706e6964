// id: expert_conflict
// title: 评标专家与投标人、招标人或监督部门存在利害关系
// detector: expert_conflict
// description: >
//   参加评标的专家在开标时（或开标前若干个月内）受雇于、任职于或持股于该标段的投标人，或与投标人的人员有亲属关系；
//   或受雇于该标段的招标人、代理机构、行政监督部门；或开标前受过行政处罚。
// legal_ground: 《招标投标法实施条例》第46条；《评标委员会和评标方法暂行规定》第12条
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
//   - {name: window_months, type: int, default: 36, min: 0, max: 240, label: 离职未满多少个月仍视为关联}
//   - {name: min_confidence, type: float, default: 0.5, min: 0, max: 1, label: 亲属关系最低置信度}
// columns: [tender, expert, other, how, path_e, path_o]
// evidence: [path_e, path_o]
// finding:
//   group_by: [tender, expert, other]
//   score: 85
//   summary: "评标专家{expert}{how}{other}（标段{tender}）"
//   figures: {how: 关联方式}
// tags: [评标专家, 回避]
MATCH role = (expert:Expert)-[r:EMPLOYED_BY|OFFICER_OF|LEGAL_REP_OF|SHAREHOLDER_OF]->(other:Company)
MATCH bid = (other)-[:SUBMITTED]->(:Bid)-[:FOR]->(t:Tender)
MATCH path_e = (expert)-[:EVALUATED]->(t)
WITH *
WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (r.start IS NULL OR r.start <= t.bid_open)
  AND (r.end IS NULL OR toInteger(substring(r.end, 0, 4)) * 12 + toInteger(substring(r.end, 5, 2))
       >= toInteger(substring(t.bid_open, 0, 4)) * 12 + toInteger(substring(t.bid_open, 5, 2)) - $window_months)
RETURN t.code AS tender, expert, other,
       CASE WHEN r.end IS NOT NULL AND r.end < t.bid_open THEN '近期曾任职于投标人' ELSE '任职/持股于投标人' END AS how,
       path_e, [role, bid] AS path_o
UNION
MATCH role = (expert:Expert)-[r:EMPLOYED_BY|OFFICER_OF|LEGAL_REP_OF|SHAREHOLDER_OF]->(other:Company)
MATCH bid = (other)-[:MEMBER_OF]->(:Consortium)-[:SUBMITTED]->(:Bid)-[:FOR]->(t:Tender)
MATCH path_e = (expert)-[:EVALUATED]->(t)
WITH *
WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (r.start IS NULL OR r.start <= t.bid_open)
  AND (r.end IS NULL OR toInteger(substring(r.end, 0, 4)) * 12 + toInteger(substring(r.end, 5, 2))
       >= toInteger(substring(t.bid_open, 0, 4)) * 12 + toInteger(substring(t.bid_open, 5, 2)) - $window_months)
RETURN t.code AS tender, expert, other,
       CASE WHEN r.end IS NOT NULL AND r.end < t.bid_open THEN '近期曾任职于投标人' ELSE '任职/持股于投标人' END AS how,
       path_e, [role, bid] AS path_o
UNION
MATCH role = (expert:Expert)-[r:EMPLOYED_BY|OFFICER_OF|LEGAL_REP_OF]->(other)
WITH role, expert, r, other
WHERE other:Tenderer OR other:Agency OR other:Department
MATCH path_e = (expert)-[:EVALUATED]->(t:Tender)
MATCH oversight = (t)<-[:TENDERED|AGENT_OF|SUPERVISES]-(overseer)
WITH *
WHERE overseer = other
WITH *
WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (r.start IS NULL OR r.start <= t.bid_open) AND (r.end IS NULL OR r.end >= t.bid_open)
RETURN t.code AS tender, expert, other,
       CASE WHEN 'Department' IN labels(other) THEN '任职于监督部门' WHEN 'Agency' IN labels(other) THEN '任职于代理机构'
            ELSE '任职于招标人' END AS how, path_e, [role, oversight] AS path_o
UNION
MATCH kin = (expert:Expert)-[k:KIN_OF]-(person:Person),
      role = (person)-[r:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF|EMPLOYED_BY]->(other:Company)
WHERE coalesce(k.confidence, 1.0) >= $min_confidence AND expert <> person
MATCH bid = (other)-[:MEMBER_OF*0..1]->()-[:SUBMITTED]->(:Bid)-[:FOR]->(t:Tender)
MATCH path_e = (expert)-[:EVALUATED]->(t)
WITH *
WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND (k.start IS NULL OR k.start <= t.bid_open) AND (k.end IS NULL OR k.end >= t.bid_open)
  AND (r.start IS NULL OR r.start <= t.bid_open) AND (r.end IS NULL OR r.end >= t.bid_open)
RETURN t.code AS tender, expert, other, '与投标人的' + person.name + '为' + coalesce(k.relation, '亲属') + '关系：' AS how,
       path_e, [kin, role, bid] AS path_o
UNION
MATCH path_o = (expert:Expert)-[:SANCTIONED]->(other:Penalty)
WITH path_o, expert, other
MATCH path_e = (expert)-[:EVALUATED]->(t:Tender)
WITH *
WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry) AND other.date < t.bid_open
RETURN t.code AS tender, expert, other, '开标前受过处罚' AS how, path_e, path_o

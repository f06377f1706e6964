// id: agency_tie
// title: 招标代理机构人员与投标人关联
// detector: agency_tie
// description: >
//   招标代理机构的法定代表人、高管、股东或员工同时在其代理标段的某投标人任职或持股（按开标日判断）。
// legal_ground: 《招标投标法》第50条；《招标投标法实施条例》第13条（代理机构不得为所代理项目的投标人提供咨询）
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
// columns: [tender, agency, company, person, path_g, path_c]
// evidence: [path_g, path_c]
// finding:
//   group_by: [tender, agency, company]
//   score: 75
//   summary: "代理机构{agency}的{person}同时在投标人{company}任职或持股（标段{tender}）"
// tags: [代理机构, 人员关联]
MATCH role_g = (person:Person)-[rg:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF|EMPLOYED_BY]->(agency:Agency),
      role_c = (person)-[rc:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF|EMPLOYED_BY]->(company:Company)
MATCH bid_c = (company)-[:MEMBER_OF*0..1]->()-[:SUBMITTED]->(:Bid)-[:FOR]->(t:Tender)
MATCH agent = (t)<-[:AGENT_OF]-(agent_of:Agency)
WITH *
WHERE agent_of = agency
WITH *
WHERE (rg.start IS NULL OR rg.start <= t.bid_open) AND (rg.end IS NULL OR rg.end >= t.bid_open)
  AND (rc.start IS NULL OR rc.start <= t.bid_open) AND (rc.end IS NULL OR rc.end >= t.bid_open)
  AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
RETURN t.code AS tender, agency, company, person, [role_g, agent] AS path_g, [role_c, bid_c] AS path_c

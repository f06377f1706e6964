// id: bid_paths
// title: 指定企业在指定标段的投标路径
// description: 给定企业与标段，返回「企业（经联合体）-投标-标段」路径，用作抱团、轮流中标、陪标和报价发现的证据。
// parameters:
//   - {name: companies, type: list, default: [], label: 企业 key 列表}
//   - {name: tenders, type: list, default: [], label: 标段编号列表}
// columns: [company, tender, path]
// evidence: [path]
// tags: [证据, 投标]
MATCH (bid:Bid)
WHERE bid.tender_code IN $tenders
MATCH path = (company:Company)-[:MEMBER_OF*0..1]->()-[:SUBMITTED]->(bid)-[:FOR]->(t:Tender)
WHERE company.key IN $companies
RETURN company, t.code AS tender, path

// id: notice_shared_staff
// title: 公示中两名候选人拟派同一人员或同一证书
// detector: published_staff
// description: >
//   中标候选人公示（或其他公告）中，同一标段的两个不同投标人拟派同一人员（姓名与证书或身份证号一致），
//   或拟派人员持有同一证书编号。联合体与其成员视为同一方；打码的证书号不计。事实来自公告原文，
//   证据路径中的来源公告可查看原文位置。
// legal_ground: 《招标投标法实施条例》第40条第③项（不同投标人委托同一单位或者个人办理投标事宜）、第④项
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
// columns: [tender, a, b, person, how, path_a, path_b]
// evidence: [path_a, path_b]
// finding:
//   group_by: [tender, a, b]
//   score: 85
//   summary: "标段{tender}的公告中，{a}与{b}拟派{how}{person}"
//   figures: {how: 方式}
// tags: [人员混用, 第40条, 公告]
MATCH (person:Person)<-[:PROPOSED]-(bid:Bid)
WITH person, bid.tender_code AS code, collect(DISTINCT bid) AS bids
WHERE size(bids) >= 2
UNWIND bids AS ba
UNWIND bids AS bb
WITH person, ba, bb
WHERE ba.key < bb.key
MATCH staff = (ba)-[:PROPOSED]->(person)<-[:PROPOSED]-(bb)
MATCH bid_a = (a:Company)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba)-[:FOR]->(t:Tender)
MATCH bid_b = (b:Company)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb)
WITH *
WHERE a <> b AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
RETURN t.code AS tender, a, b, person, '同一人员' AS how, [bid_a, staff] AS path_a, bid_b AS path_b
UNION
MATCH (c:Certificate)<-[:HOLDS]-(pa:Person)<-[:PROPOSED]-(ba:Bid), (c)<-[:HOLDS]-(pb:Person)<-[:PROPOSED]-(bb:Bid)
WHERE ba.tender_code = bb.tender_code AND ba.key < bb.key AND pa <> pb AND NOT c.number CONTAINS '*'
MATCH staff_a = (ba)-[:PROPOSED]->(pa)-[:HOLDS]->(c)
MATCH staff_b = (bb)-[:PROPOSED]->(pb)-[:HOLDS]->(c)
MATCH bid_a = (a:Company)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba)-[:FOR]->(t:Tender)
MATCH bid_b = (b:Company)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb)
WITH *
WHERE a <> b AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
RETURN t.code AS tender, a, b, pa AS person, '持同一证书（' + c.number + '）的人员' AS how,
       [bid_a, staff_a] AS path_a, [bid_b, staff_b] AS path_b

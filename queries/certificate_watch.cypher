// id: certificate_watch
// title: 同一证书先后出现在不同中标人的公告中（挂证观察名单）
// detector: published_staff
// description: >
//   中标结果公告中，同一证书编号（注册建造师、安全生产考核合格证等）被不同中标人列为拟派人员；
//   两个中标方（联合体按成员）有共同成员的不算。按涉及中标方数从多到少、时间从近到远排序。注册人员
//   可合法变更单位，本清单仅供核查（调取注册变更、社保缴纳记录），不构成认定。打码的证书号不计。
// legal_ground: 《注册建造师管理规定》第26条（不得同时在两个及以上单位受聘或者执业）；《建筑业企业资质管理规定》（挂证）
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: min_companies, type: int, default: 2, min: 2, max: 100, label: 至少涉及几个中标方}
// columns: [certificate, companies, first, last, paths]
// evidence: [paths]
// finding:
//   group_by: [certificate]
//   score: 50
//   summary: "证书{certificate}在{first}至{last}间被{companies}个互不相干的中标方列为拟派人员"
//   figures: {companies: 涉及中标方数, first: 最早开标日, last: 最晚开标日}
// tags: [挂证, 公告, 观察名单]
MATCH (c:Certificate)<-[:HOLDS]-(:Person)<-[:PROPOSED]-(bid:Bid {won: true})<-[:SUBMITTED]-(side)
WHERE NOT c.number CONTAINS '*' AND (bid.bid_open IS NULL OR (bid.bid_open >= $date_from AND bid.bid_open <= $date_to))
MATCH (member:Company)-[:MEMBER_OF*0..1]->(side)
WITH c, side, collect(DISTINCT member.key) AS members
WITH c, collect(side.key) AS sides, collect(members) AS groups
WHERE size(sides) >= 2
UNWIND range(0, size(sides) - 1) AS i
UNWIND range(0, size(sides) - 1) AS j
// (the flag is projected first: FalkorDB 4 drops every row when none() over list indexes sits in WHERE)
WITH c, sides, i, j, none(k IN groups[i] WHERE k IN groups[j]) AS apart
WHERE i < j AND apart
WITH c, collect(sides[i]) + collect(sides[j]) AS involved
UNWIND involved AS key
WITH c, collect(DISTINCT key) AS unrelated
WHERE size(unrelated) >= $min_companies
MATCH path = (c)<-[:HOLDS]-(:Person)<-[:PROPOSED]-(bid:Bid {won: true})<-[:SUBMITTED]-(side)
WHERE side.key IN unrelated
WITH c, size(unrelated) AS companies, collect(path) AS paths, min(bid.bid_open) AS first, max(bid.bid_open) AS last
RETURN c.number AS certificate, companies, first, last, paths
ORDER BY companies DESC, last DESC

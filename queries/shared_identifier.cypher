// id: shared_identifier
// title: 投标文件共用IP、设备特征码或保证金账户
// detector: shared_identifier
// description: >
//   同一标段不同投标人的投标文件从同一IP上传、在同一设备（MAC、CPU、硬盘序列号、计价软件加密锁、
//   文件创建识别码、文件制作机器码）上编制，或保证金从同一账户转出。白名单标识（allowed = true）
//   不计；一个标识被越多不同投标人使用（基数），得分越低，超过上限不计。
// legal_ground: 《招标投标法实施条例》第40条第①项、第⑥项；财政部令第87号第37条
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
//   - {name: max_base, type: int, default: 8, min: 2, max: 1000, label: 标识最多被多少个投标人共用（超过视为公共标识）}
// columns: [tender, a, b, identifier, kind, base, score, path_a, path_b]
// evidence: [path_a, path_b]
// finding:
//   group_by: [tender, a, b]
//   score: 90
//   summary: "{a}与{b}在标段{tender}的投标共用{kind}{identifier}"
//   figures: {kind: 标识类型, base: 共用该标识的投标人数}
// tags: [标识共用, 第40条, 电子投标]
MATCH (used:Bid)-[:UPLOADED_FROM|MADE_ON|DEPOSIT_FROM]->(x)
WITH x, count(DISTINCT used.bidder_key) AS base
WHERE base >= 2 AND base <= $max_base AND coalesce(x.allowed, false) = false
MATCH (x)<-[:UPLOADED_FROM|MADE_ON|DEPOSIT_FROM]-(bid:Bid)
WITH x, base, bid.tender_code AS code, collect(bid) AS bids
WHERE size(bids) >= 2
UNWIND bids AS ba
UNWIND bids AS bb
WITH x, base, ba, bb
WHERE ba.key < bb.key
MATCH shared = (ba)-[ra:UPLOADED_FROM|MADE_ON|DEPOSIT_FROM]->(x)<-[:UPLOADED_FROM|MADE_ON|DEPOSIT_FROM]-(bb)
MATCH bid_a = (a:Company)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba)-[:FOR]->(t:Tender)
MATCH bid_b = (b:Company)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb)
WITH *
WHERE a <> b AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
WITH t, a, b, x, base, ra, bid_a, shared, bid_b,
     CASE type(ra) WHEN 'DEPOSIT_FROM' THEN 95.0 WHEN 'MADE_ON' THEN 90.0 ELSE 75.0 END AS weight
RETURN t.code AS tender, a, b, x.key AS identifier,
       CASE type(ra) WHEN 'DEPOSIT_FROM' THEN '保证金账户' WHEN 'UPLOADED_FROM' THEN 'IP地址' ELSE '设备特征码' END AS kind,
       base, weight * 2.0 / base AS score, [bid_a, shared] AS path_a, bid_b AS path_b

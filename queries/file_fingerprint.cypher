// id: file_fingerprint
// title: 投标文件特征码吻合（按标识类别）
// detector: file_fingerprint
// description: >
//   同一标段不同投标人的投标文件记录的特征码吻合，按标识类别计：文件制作机器码、文件创建识别码、
//   计价软件加密锁、硬件序列号（MAC、CPU、硬盘，三者全部吻合另行注明）。一类吻合为中等强度，
//   两类及以上为强。豁免：白名单标识（allowed = true）、被过多投标人共用的标识（基数超过上限，
//   如交易中心公用终端），以及双方均从交易中心终端（白名单IP）上传时的硬件序列号。
// legal_ground: 《招标投标法实施条例》第40条第①项（投标文件由同一单位或者个人编制）
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
//   - {name: max_base, type: int, default: 8, min: 2, max: 1000, label: 特征码最多被多少个投标人共用（超过视为公用终端）}
//   - {name: min_families, type: int, default: 1, min: 1, max: 4, label: 至少吻合几类标识（各省口径不同）}
// columns: [tender, a, b, families, strength, all_hardware, score, path_a, shared, path_b]
// evidence: [path_a, shared, path_b]
// finding:
//   group_by: [tender, a, b]
//   score: 80
//   summary: "{a}与{b}在标段{tender}的投标文件{strength}：{families}"
//   figures: {families: 吻合的标识类别, strength: 强度, all_hardware: 硬件序列号全部吻合}
// tags: [文件特征码, 第40条, 电子投标]
MATCH (used:Bid)-[:MADE_ON]->(x:Device)
WITH x, count(DISTINCT used.bidder_key) AS base
WHERE base >= 2 AND base <= $max_base AND coalesce(x.allowed, false) = false
MATCH (ba:Bid)-[:MADE_ON]->(x)<-[:MADE_ON]-(bb:Bid)
WHERE ba.tender_code = bb.tender_code AND ba.key < bb.key AND ba.bidder_key <> bb.bidder_key
OPTIONAL MATCH (ba)-[:UPLOADED_FROM]->(ca:IP) WHERE ca.allowed = true
OPTIONAL MATCH (bb)-[:UPLOADED_FROM]->(cb:IP) WHERE cb.allowed = true
WITH ba, bb, x, ca IS NOT NULL AND cb IS NOT NULL AS at_centre,
     CASE x.kind WHEN 'machine_code' THEN '文件制作机器码' WHEN 'file_id' THEN '文件创建识别码'
                 WHEN 'dongle' THEN '计价软件加密锁' ELSE '硬件序列号' END AS family
WHERE NOT (family = '硬件序列号' AND at_centre)
WITH ba, bb, collect(DISTINCT family) AS families, collect(DISTINCT x.kind) AS kinds, collect(x) AS devices
WHERE size(families) >= $min_families
WITH ba, bb, families, size([k IN kinds WHERE k IN ['mac', 'cpu', 'disk']]) = 3 AS all_hardware, devices
UNWIND devices AS x
MATCH shared = (ba)-[:MADE_ON]->(x)<-[:MADE_ON]-(bb)
MATCH path_a = (a:Company)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba)-[:FOR]->(t:Tender)
MATCH path_b = (b:Company)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb)
WITH *
WHERE a <> b AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
RETURN t.code AS tender, a, b, families,
       CASE WHEN size(families) >= 2 THEN '多类标识吻合（强）' ELSE '单类标识吻合（中）' END AS strength,
       all_hardware,
       CASE WHEN size(families) >= 3 THEN 98.0 WHEN size(families) = 2 THEN 90.0
            WHEN all_hardware OR families[0] <> '硬件序列号' THEN 70.0 ELSE 55.0 END AS score,
       path_a, shared, path_b

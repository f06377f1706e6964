// id: shared_contact
// title: 投标人共用电话、邮箱或地址
// detector: shared_identifier
// description: >
//   同一标段的两个投标人登记了同一电话、电子邮箱或地址。白名单标识不计；共用该标识的企业越多
//   （基数），得分越低，超过上限（如孵化器、代理机构地址）不计。
// legal_ground: 《招标投标法实施条例》第40条第①项、第②项
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: region, type: str, default: "", label: 地区（空为全部）}
//   - {name: industry, type: str, default: "", label: 行业（空为全部）}
//   - {name: max_base, type: int, default: 4, min: 2, max: 1000, label: 标识最多被多少家企业共用（超过视为公共标识）}
// columns: [tender, a, b, identifier, kind, base, score, path_a, path_b]
// evidence: [path_a, path_b]
// finding:
//   group_by: [tender, a, b]
//   score: 60
//   summary: "{a}与{b}登记了同一{kind}{identifier}，两家共同投标{tender}"
//   figures: {kind: 标识类型, base: 登记该标识的企业数}
// tags: [标识共用, 第40条]
MATCH (x)<-[:HAS_PHONE|HAS_EMAIL|REGISTERED_AT]-(holder:Company)
WHERE coalesce(x.allowed, false) = false
WITH x, count(DISTINCT holder) AS base
WHERE base >= 2 AND base <= $max_base
MATCH shared = (a:Company)-[ra:HAS_PHONE|HAS_EMAIL|REGISTERED_AT]->(x)<-[:HAS_PHONE|HAS_EMAIL|REGISTERED_AT]-(b:Company)
WHERE a.key < b.key
MATCH bid_a = (a)-[:MEMBER_OF*0..1]->(sa)-[:SUBMITTED]->(ba:Bid)-[:FOR]->(t:Tender)
MATCH bid_b = (b)-[:MEMBER_OF*0..1]->(sb)-[:SUBMITTED]->(bb:Bid)-[:FOR]->(t)
WITH *
WHERE ba <> bb AND (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
  AND ($region = '' OR t.region = $region) AND ($industry = '' OR t.industry = $industry)
  AND NOT (a)-[:MEMBER_OF]->(sb) AND NOT (b)-[:MEMBER_OF]->(sa)
RETURN t.code AS tender, a, b, x.key AS identifier,
       CASE type(ra) WHEN 'HAS_PHONE' THEN '电话' WHEN 'HAS_EMAIL' THEN '电子邮箱' ELSE '地址' END AS kind,
       base, 120.0 / base AS score, [bid_a, shared] AS path_a, bid_b AS path_b

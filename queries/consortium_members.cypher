// id: consortium_members
// title: 联合体成员
// description: 每个联合体一行，列出其成员企业的 key（联合体与其成员在分析中视为同一方）。
// columns: [consortium, members]
// tags: [数据, 联合体]
MATCH (m:Company)-[:MEMBER_OF]->(k:Consortium)
RETURN k.key AS consortium, collect(m.key) AS members

// id: expert_top_score
// title: 评标专家反复给同一企业打最高分
// detector: expert_conflict
// description: >
//   某评标专家在多个标段中都把最高分给了同一家企业，次数与占其评标次数的比例都超过阈值。
// legal_ground: 《评标委员会和评标方法暂行规定》第12条；《招标投标法实施条例》第49条（评标应客观公正）
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: min_times, type: int, default: 4, min: 2, max: 100, label: 最少次数}
//   - {name: min_share, type: float, default: 0.6, min: 0, max: 1, label: 占该专家评过该企业标段的最低比例}
// columns: [expert, company, times, scored, share, tenders, paths]
// evidence: [paths]
// finding:
//   group_by: [expert, company]
//   score: 65
//   summary: "评标专家{expert}在{times}个标段中给{company}打最高分"
//   figures: {times: 打最高分次数, scored: 评过该企业的标段数, share: 比例}
// tags: [评标专家, 评分]
MATCH (expert:Expert)-[s:SCORED]->(bid:Bid)-[:FOR]->(t:Tender)
WHERE t.bid_open >= $date_from AND t.bid_open <= $date_to
WITH expert, t, max(s.score) AS top
MATCH path = (expert)-[s:SCORED]->(bid:Bid)-[:FOR]->(t), (company)-[:SUBMITTED]->(bid)
WITH expert, company, t, path, s.score = top AS is_top
WITH expert, company, count(t) AS scored, sum(CASE WHEN is_top THEN 1 ELSE 0 END) AS times,
     collect(CASE WHEN is_top THEN t.code END) AS tenders, collect(CASE WHEN is_top THEN path END) AS paths
WHERE times >= $min_times AND toFloat(times) / scored >= $min_share
RETURN expert, company, times, scored, toFloat(times) / scored AS share, tenders, paths

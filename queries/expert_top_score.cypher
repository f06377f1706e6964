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
WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
WITH expert, t, max(s.score) AS top, collect(DISTINCT bid) AS bids
UNWIND bids AS bid
MATCH (expert)-[s:SCORED]->(bid)-[f:FOR]->(t), (company)-[:SUBMITTED]->(bid)
WITH expert, company, t, s.score = top AS is_top, [id(s), bid, id(f)] AS top_path
WITH expert, company, count(t) AS scored, count(CASE WHEN is_top THEN 1 END) AS times,
     collect(CASE WHEN is_top THEN top_path END) AS top_paths
WHERE times >= $min_times AND toFloat(times) / scored >= $min_share
UNWIND top_paths AS top_path
WITH expert, company, times, scored, top_path[0] AS scored_id, top_path[1] AS bid, top_path[2] AS for_id
MATCH path = (expert)-[s:SCORED]->(bid)-[f:FOR]->(t:Tender)
WHERE id(s) = scored_id AND id(f) = for_id
WITH expert, company, times, scored, collect(t.code) AS tenders, collect(path) AS paths
RETURN expert, company, times, scored, toFloat(times) / scored AS share, tenders, paths

// id: agency_winner
// title: 代理机构的标段集中由同一企业中标
// detector: agency_tie
// description: >
//   某企业在某招标代理机构代理的标段中屡屡中标（次数与中标率都超过阈值），而在其他代理机构的标段中
//   中标率明显更低。
// legal_ground: 《招标投标法实施条例》第39条、第41条（招标人与投标人串通）；《招标投标法》第50条
// parameters:
//   - {name: date_from, type: date, default: "1900-01-01", label: 开标日期起}
//   - {name: date_to, type: date, default: "2999-12-31", label: 开标日期止}
//   - {name: min_wins, type: int, default: 4, min: 2, max: 1000, label: 在该代理机构的最少中标次数}
//   - {name: min_rate, type: float, default: 0.6, min: 0, max: 1, label: 在该代理机构标段的最低中标率}
//   - {name: min_gap, type: float, default: 0.3, min: 0, max: 1, label: 比在其他代理机构的中标率至少高出}
// columns: [agency, company, wins, bids_with, rate_with, rate_elsewhere, paths]
// evidence: [paths]
// finding:
//   group_by: [agency, company]
//   score: 60
//   summary: "{company}在代理机构{agency}代理的{bids_with}个标段中中标{wins}次，在其他代理机构的中标率仅{rate_elsewhere}"
//   figures: {wins: 中标次数, bids_with: 在该代理机构投标次数, rate_with: 在该代理机构中标率, rate_elsewhere: 其他代理机构中标率}
// tags: [代理机构, 中标集中]
MATCH (agency:Agency)-[:AGENT_OF]->(t:Tender)<-[:FOR]-(won:Bid {won: true})<-[:SUBMITTED]-(company)
WITH agency, company, count(DISTINCT t) AS wins
WHERE wins >= $min_wins
// per company, not per (agency, company): each company's bids are walked once
WITH company, collect(agency) AS agencies, [(company)-[:SUBMITTED]->(any:Bid) | any.won] AS won_flags
WITH company, agencies, size(won_flags) AS all_bids, size([w IN won_flags WHERE w]) AS all_wins
MATCH path = (agency)-[:AGENT_OF]->(t:Tender)<-[:FOR]-(bid:Bid)<-[:SUBMITTED]-(company)
WHERE agency IN agencies
WITH agency, company, all_bids, all_wins, path, bid, t
WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))
WITH agency, company, all_bids, all_wins, count(DISTINCT bid) AS bids_with,
     toInteger(sum(CASE WHEN bid.won THEN 1 ELSE 0 END)) AS wins, collect(CASE WHEN bid.won THEN path END) AS paths
WITH agency, company, bids_with, wins, paths, toFloat(wins) / bids_with AS rate_with,
     CASE WHEN all_bids > bids_with THEN toFloat(all_wins - wins) / (all_bids - bids_with) ELSE 0.0 END AS rate_elsewhere
WHERE wins >= $min_wins AND rate_with >= $min_rate AND rate_with - rate_elsewhere >= $min_gap
RETURN agency, company, wins, bids_with, rate_with, rate_elsewhere, paths

-- The alert rule, per London day and topic, from voices outside the force only: a topic that
-- `topic_change` calls 'worsening' on that day, with new evidence that day: more than one
-- negative story, or one negative story carried by several outlets. `article_ids` lists the
-- day's negative stories, most negative first. `pcm run` stores these rows as alerts.
CREATE OR REPLACE VIEW alert_candidates AS
WITH worsening AS (
    SELECT *
    FROM topic_change
    WHERE voices = 'external' AND verdict = 'worsening'
),
day_stories AS (
    SELECT day, topic,
           count(*) AS negative_stories,
           len(list_distinct(flatten(list(outlets)))) AS outlets,
           max(len(outlets)) AS most_outlets,
           list(article_id ORDER BY net_score, article_id) AS article_ids
    FROM story_topics
    WHERE voices = 'external' AND stance = 'negative'
    GROUP BY day, topic
)
SELECT w.as_of AS day, w.topic, d.negative_stories, d.outlets AS day_outlets, d.article_ids,
       w.stories, w.negative, w.outlets, w.share, w.share_low, w.share_high,
       w.base_stories, w.base_negative, w.base_share, w.change, w.change_low, w.change_high,
       w.baseline_days
FROM worsening AS w
JOIN day_stories AS d ON d.day = w.as_of AND d.topic = w.topic
WHERE d.negative_stories > 1 OR d.most_outlets > 1;

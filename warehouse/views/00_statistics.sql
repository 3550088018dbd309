-- The statistics every rule view shares, defined once: the Wilson score interval of a share
-- (95%, z = 1.959963984540054) and Newcombe's hybrid score interval of the difference of two
-- shares, and the change rule's verdict. The views topic_weekly, topic_change and
-- period_comparison call these macros; analysts can too (`SELECT pcm_wilson_low(0.5, 10)`).
-- The view rule_statistics names the methods and the z value.
CREATE OR REPLACE MACRO pcm_wilson_low(share, n, z := 1.959963984540054) AS
    CASE WHEN (share + z * z / (2 * n) - z * sqrt(share * (1 - share) / n + z * z / (4 * n * n)))
              / (1 + z * z / n) < 0 THEN 0.0
         ELSE (share + z * z / (2 * n) - z * sqrt(share * (1 - share) / n + z * z / (4 * n * n)))
              / (1 + z * z / n)
    END;
CREATE OR REPLACE MACRO pcm_wilson_high(share, n, z := 1.959963984540054) AS
    CASE WHEN (share + z * z / (2 * n) + z * sqrt(share * (1 - share) / n + z * z / (4 * n * n)))
              / (1 + z * z / n) > 1 THEN 1.0
         ELSE (share + z * z / (2 * n) + z * sqrt(share * (1 - share) / n + z * z / (4 * n * n)))
              / (1 + z * z / n)
    END;
-- Newcombe's hybrid score interval for share - base_share, from the two Wilson intervals
CREATE OR REPLACE MACRO pcm_change_low(share, share_low, base_share, base_high) AS
    share - base_share - sqrt((share - share_low) ^ 2 + (base_high - base_share) ^ 2);
CREATE OR REPLACE MACRO pcm_change_high(share, share_high, base_share, base_low) AS
    share - base_share + sqrt((share_high - share) ^ 2 + (base_share - base_low) ^ 2);
-- The change rule: a change counts only when its interval leaves out zero and it rests on at
-- least min_stories stories from at least min_outlets outlets
CREATE OR REPLACE MACRO pcm_verdict(stories, outlets, min_stories, min_outlets, lo, hi) AS
    CASE WHEN stories >= min_stories AND outlets >= min_outlets AND lo > 0 THEN 'worsening'
         WHEN stories >= min_stories AND outlets >= min_outlets AND hi < 0 THEN 'improving'
         ELSE 'no clear change'
    END;
CREATE OR REPLACE VIEW rule_statistics AS
SELECT 1.959963984540054 AS z,
       'Wilson score interval, 95%' AS share_interval,
       'Newcombe hybrid score interval, 95%' AS change_interval,
       'worsening or improving only when the change interval leaves out zero and rests on '
       || 'enough stories from enough outlets' AS verdict_rule;

-- Which force each scored passage is about (passages/force_target.py): force | other_force |
-- national | none; NULL for passages scored before targets existed (read as force). Passages
-- about another force or about all forces are left out of the configured force's views.
ALTER TABLE scored_passages ADD COLUMN target VARCHAR;
-- The stance was withheld: the calibrated top class fell below the model's abstention bar
-- (model.json stance_calibration). The label is neutral and the views count the score as 0.
ALTER TABLE scores ADD COLUMN uncertain BOOLEAN DEFAULT FALSE;

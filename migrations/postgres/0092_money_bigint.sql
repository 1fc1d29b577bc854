-- Money is 64-bit signed cents (alloy.domain.work.Cents): a budget above 2^31 cents
-- (21 million in currency) must fit, as it does on SQLite.
ALTER TABLE projects ALTER COLUMN budget_cents TYPE BIGINT;
ALTER TABLE labor_rates ALTER COLUMN loaded_rate_cents TYPE BIGINT;

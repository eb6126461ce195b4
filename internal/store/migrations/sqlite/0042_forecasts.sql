-- Forecasts (issue 28, point 3): what a period's actual would be if
-- nothing changes, entered beside its actual and target and drawn on the
-- graph as a dotted line.
ALTER TABLE data_values ADD COLUMN forecast REAL;

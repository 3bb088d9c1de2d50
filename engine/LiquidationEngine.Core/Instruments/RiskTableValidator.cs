using LiquidationEngine.Numerics;

namespace LiquidationEngine.Instruments;

/// <summary>Checks a risk table: contiguous brackets, sane rates, and the maintenance-amount continuity recursion.</summary>
internal static class RiskTableValidator
{
    public static void Validate(string symbol, Price tickSize, Quantity lotSize, Rate feeRate, RiskBracket[] brackets)
    {
        if (tickSize.Raw <= 0 || lotSize.Raw <= 0)
        {
            throw new InstrumentConfigException($"{symbol}: tickSize and lotSize must be positive.");
        }

        if (feeRate.Raw < 0 || feeRate.Raw >= Rate.Scale)
        {
            throw new InstrumentConfigException($"{symbol}: liquidationFeeRate must be in [0, 1).");
        }

        if (brackets.Length == 0)
        {
            throw new InstrumentConfigException($"{symbol}: at least one risk bracket is required.");
        }

        for (int n = 0; n < brackets.Length; n++)
        {
            RiskBracket b = brackets[n];
            string where = $"{symbol} bracket {n + 1} ({b.Floor} to {b.Cap})";
            if (b.Cap <= b.Floor)
            {
                throw new InstrumentConfigException($"{where}: cap must exceed floor.");
            }

            if (b.MaxLeverage < 1 || b.MaxLeverage > 1000)
            {
                throw new InstrumentConfigException($"{where}: maxLeverage {b.MaxLeverage} must be in [1, 1000].");
            }

            // MMR < 1 keeps the liquidation-price denominator q·(1 − MMR) positive for longs.
            if (b.MaintenanceRate.Raw <= 0 || b.MaintenanceRate.Raw >= Rate.Scale)
            {
                throw new InstrumentConfigException($"{where}: maintenance rate must be in (0, 1).");
            }

            // Maintenance must never exceed initial margin at the bracket's own max leverage.
            if ((Int128)b.MaintenanceRate.Raw * b.MaxLeverage > Rate.Scale)
            {
                throw new InstrumentConfigException($"{where}: MMR {b.MaintenanceRate} exceeds 1/maxLeverage.");
            }

            if (n == 0)
            {
                if (b.Floor.Raw != 0)
                {
                    throw new InstrumentConfigException($"{where}: the first bracket must start at 0.");
                }

                if (b.MaintenanceAmount.Raw != 0)
                {
                    throw new InstrumentConfigException($"{where}: the first bracket's maintenance amount must be 0, got {b.MaintenanceAmount}.");
                }

                continue;
            }

            RiskBracket prev = brackets[n - 1];
            if (b.Floor != prev.Cap)
            {
                throw new InstrumentConfigException($"{where}: floor must equal the previous cap {prev.Cap}.");
            }

            if (b.MaintenanceRate < prev.MaintenanceRate)
            {
                throw new InstrumentConfigException($"{where}: MMR must not decrease.");
            }

            if (b.MaxLeverage > prev.MaxLeverage)
            {
                throw new InstrumentConfigException($"{where}: maxLeverage must not increase.");
            }

            // cum_n · 10^10 must equal floor_n · (MMR_n − MMR_{n−1}) + cum_{n−1} · 10^10, exactly.
            Int128 expected = ((Int128)b.Floor.Raw * (b.MaintenanceRate.Raw - prev.MaintenanceRate.Raw))
                + ((Int128)prev.MaintenanceAmount.Raw * Rate.Scale);
            Int128 actual = (Int128)b.MaintenanceAmount.Raw * Rate.Scale;
            if (expected != actual)
            {
                string want = FixedPoint.Format(FixedPoint.Divide(expected, Rate.Scale, Rounding.Down), Money.Decimals);
                throw new InstrumentConfigException(
                    $"{where}: maintenance amount {b.MaintenanceAmount} breaks the continuity recursion " +
                    $"cum_n = floor_n × (MMR_n − MMR_n−1) + cum_n−1, which gives {want}.");
            }
        }
    }
}

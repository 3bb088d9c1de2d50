using System.Numerics;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.Risk;
using LiquidationEngine.Tests.Support;
using Xunit;
using static LiquidationEngine.Tests.Support.RandomRiskTables;

namespace LiquidationEngine.Tests.Risk;

/// <summary>
/// The liquidation price against an independent reference: for random risk tables and positions, the engine's price
/// equals the extreme of the per-bracket roots of equity = MM (highest for a long, lowest for a short), computed
/// here with BigInteger rationals, and at that price the position is exactly not in breach one unit away.
/// </summary>
public class LiquidationPriceTests
{
    [Fact]
    public void The_liquidation_price_is_the_extreme_per_bracket_root_for_100000_random_positions()
    {
        var rng = new Random(20261122);
        int withPrice = 0;
        for (int i = 0; i < 100_000; i++)
        {
            Instrument inst = RandomInstrument(rng);
            int side = rng.Next(2) == 0 ? 1 : -1;
            long q = inst.LotSize.Raw * rng.Next(1, 5000);
            long entry = inst.TickSize.Raw * rng.Next(1, 10_000_000);
            long notional = (long)(((BigInteger)q * entry) / 100_000_000);
            long margin = (long)(notional * (rng.NextDouble() * 1.2)) - rng.Next(0, 1000);
            var p = new RiskInputs(side, q, entry, margin, 10);

            BigInteger expected = Reference(inst, side, q, entry, margin);
            bool has = PositionRisk.TryLiquidationPrice(p, inst, out long lp);
            Assert.Equal(expected > 0, has);
            if (has)
            {
                withPrice++;
                Assert.Equal(expected, (BigInteger)lp);
                // Exactly the boundary: at the (conservatively rounded) price the position is not in breach,
                // one raw unit further it is.
                Assert.False(PositionRisk.IsInBreach(p, inst, lp), $"case {i}: in breach at its own liquidation price");
                Assert.True(PositionRisk.IsInBreach(p, inst, side > 0 ? lp - 1 : lp + 1), $"case {i}: one unit past LP must breach");
            }

            long key = PositionRisk.TriggerKey(p, inst);
            BigInteger keyExpected = Reference(inst, side, q, entry, margin - 1) + (side > 0 ? 2 : -2);
            Assert.Equal(keyExpected, (BigInteger)key);
        }

        Assert.True(withPrice > 50_000, $"only {withPrice} positions had a liquidation price");
    }

    /// <summary>max (long) / min (short) over brackets of the rounded root (side·q·E − (M + cum)) / (q·(side − MMR)).</summary>
    private static BigInteger Reference(Instrument inst, int side, long q, long entry, long margin)
    {
        BigInteger best = side > 0 ? BigInteger.MinusOne << 200 : BigInteger.One << 200;
        foreach (RiskBracket b in inst.Brackets)
        {
            BigInteger num = (side * (BigInteger)q * entry * 10_000_000_000) - (((BigInteger)margin + b.MaintenanceAmount.Raw) * BigInteger.Pow(10, 18));
            BigInteger den = (BigInteger)q * ((side * 10_000_000_000L) - b.MaintenanceRate.Raw);
            BigInteger root = side > 0 ? CeilDiv(num, den) : FloorDiv(num, den);
            best = side > 0 ? BigInteger.Max(best, root) : BigInteger.Min(best, root);
        }

        return best;
    }

    private static Instrument RandomInstrument(Random rng)
        => new(0, "R", 0, new Price(1_000_000), new Quantity(100_000), Rate.Parse("0.005"), MaintenanceBasis.Mark,
            RandomRiskTables.Brackets(rng, maxBrackets: 7, maxCapStepThousands: 200, maxMmrStepBp: 300));
}

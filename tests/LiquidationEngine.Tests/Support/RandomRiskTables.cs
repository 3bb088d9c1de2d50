using System.Numerics;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Tests.Support;

/// <summary>Random but valid risk tables, and BigInteger rounding, for tests that compare against a reference.</summary>
internal static class RandomRiskTables
{
    /// <summary>1..<paramref name="maxBrackets"/> brackets with MMR rising in basis points, cum from the continuity recursion.</summary>
    public static List<RiskBracket> Brackets(Random rng, int maxBrackets, int maxCapStepThousands, int maxMmrStepBp)
    {
        int n = rng.Next(1, maxBrackets + 1);
        var brackets = new List<RiskBracket>();
        long floor = 0;
        int bp = rng.Next(20, 100);
        int maxLev = Math.Min(125, 10000 / bp / 2);
        BigInteger cum = 0;
        int prev = bp;
        for (int k = 0; k < n; k++)
        {
            long cap = floor + (1000L * rng.Next(1, maxCapStepThousands));
            if (k > 0)
            {
                bp = prev + rng.Next(0, maxMmrStepBp);
                maxLev = Math.Max(1, Math.Min(maxLev, 10000 / bp / 2));
                cum += (BigInteger)floor * (bp - prev) * 10_000; // floor × ΔMMR (bp / 10^4), in 10^-8 money
            }

            brackets.Add(new RiskBracket(Money.FromUnits(floor), Money.FromUnits(cap), maxLev, new Rate(bp * 1_000_000L), new Money((long)cum)));
            prev = bp;
            floor = cap;
        }

        return brackets;
    }

    /// <summary>Division rounded toward minus infinity.</summary>
    public static BigInteger FloorDiv(BigInteger a, BigInteger b)
    {
        BigInteger q = BigInteger.DivRem(a, b, out BigInteger r);
        return r != 0 && (r.Sign < 0) != (b.Sign < 0) ? q - 1 : q;
    }

    /// <summary>Division rounded toward plus infinity.</summary>
    public static BigInteger CeilDiv(BigInteger a, BigInteger b) => -FloorDiv(-a, b);
}

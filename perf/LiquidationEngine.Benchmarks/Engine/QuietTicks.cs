using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;

namespace LiquidationEngine.Benchmarks.Engine;

/// <summary>Mark ticks that cross nothing: every instrument once per round, in a shuffled order, within ±0.1 % of its reference price.</summary>
internal static class QuietTicks
{
    /// <summary>Creates <paramref name="rounds"/> rounds of one tick per instrument.</summary>
    public static EngineCommand[] Create(InstrumentCatalog catalog, int rounds, int seed = 42)
    {
        var random = new Random(seed);
        var ticks = new EngineCommand[rounds * catalog.Count];
        int[] order = Enumerable.Range(0, catalog.Count).ToArray();
        for (int r = 0; r < rounds; r++)
        {
            random.Shuffle(order);
            for (int k = 0; k < order.Length; k++)
            {
                long reference = catalog[order[k]].ReferencePrice.Raw;
                long jitter = (long)(reference * ((random.NextDouble() * 0.002) - 0.001));
                ticks[(r * order.Length) + k] = new EngineCommand { Kind = CommandKind.MarkTick, Instrument = order[k], Price = reference + jitter };
            }
        }

        return ticks;
    }
}

using LiquidationEngine.Contracts;
using LiquidationEngine.Perf;
using LiquidationEngine.Risk;
using LiquidationEngine.State;

namespace LiquidationEngine.Latency;

/// <summary>
/// The ticks the harness publishes over a <see cref="LatencyLayout"/> book: quiet ticks (random instrument, mark
/// within ±0.1 % of its reference price, crossing nothing) and, once every <see cref="CrossEvery"/> ticks, a tick
/// that sets one instrument's mark just under the next rung of its tripwire ladder, so it liquidates that tripwire.
/// </summary>
/// <remarks>Allocation-free: <see cref="Next"/> only reads pre-computed tables. The ladder is consumed as the run
/// goes (a liquidated tripwire stays frozen); once an instrument's ladder is used up its crossing ticks are quiet.</remarks>
public sealed class TickSource
{
    /// <summary>One tick in this many crosses a tripwire.</summary>
    public const int CrossEvery = 1000;

    private const int InstrumentTable = 4096;
    private const int MarksPerInstrument = 16;

    private readonly int[] _instruments;
    private readonly long[] _quietMarks;
    private readonly long[][] _crossingMarks;
    private readonly int[] _nextRung;
    private readonly int[] _eligible;
    private long _issued;
    private long _crossingsTried;

    /// <summary>Reads the tripwires' liquidation prices out of a built book.</summary>
    public TickSource(Book book, LatencyLayout layout, int seed = 5)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(layout);
        var catalog = layout.Catalog;
        var random = new Random(seed);
        _instruments = new int[InstrumentTable];
        for (int i = 0; i < _instruments.Length; i++)
        {
            _instruments[i] = random.Next(catalog.Count);
        }

        _quietMarks = new long[catalog.Count * MarksPerInstrument];
        for (int i = 0; i < catalog.Count; i++)
        {
            long reference = catalog[i].ReferencePrice.Raw;
            for (int j = 0; j < MarksPerInstrument; j++)
            {
                _quietMarks[(i * MarksPerInstrument) + j] = reference + (long)(reference * ((random.NextDouble() * 0.002) - 0.001));
            }
        }

        var ladders = Enumerable.Range(0, catalog.Count).Select(_ => new List<long>()).ToArray();
        EngineState s = book.State;
        for (int p = 0; p < layout.Tripwires; p++)
        {
            PositionSpec spec = layout.Spec(p);
            int slot = s.Positions.Find(s.Accounts.PositionHead(s.Accounts.Find(book.AccountOf(p))), spec.Instrument);
            if (!PositionRisk.TryLiquidationPrice(s.Inputs(slot), catalog[spec.Instrument], out long lp))
            {
                throw new InvalidOperationException($"tripwire {p} has no liquidation price");
            }

            // LP is rounded up for a long, so one raw unit below it is strictly past the exact root: in breach.
            ladders[spec.Instrument].Add(lp - 1);
        }

        _crossingMarks = ladders.Select(l => l.OrderDescending().ToArray()).ToArray();
        _nextRung = new int[catalog.Count];
        _eligible = [.. layout.Eligible];
    }

    /// <summary>Ticks issued so far.</summary>
    public long Issued => _issued;

    /// <summary>Crossing ticks issued so far (each liquidates one tripwire, occasionally two with equal prices).</summary>
    public long Crossings { get; private set; }

    /// <summary>Tripwires not crossed yet.</summary>
    public long RungsLeft => _crossingMarks.Sum(l => (long)l.Length) - _nextRung.Sum();

    /// <summary>Writes the next tick into <paramref name="command"/>.</summary>
    /// <param name="command">The command to fill.</param>
    /// <param name="sourceId">0 for a feed (no reply); non-zero to have the engine ack the tick.</param>
    public void Next(ref EngineCommand command, int sourceId)
    {
        long n = _issued++;
        int instrument;
        long mark;
        if (n % CrossEvery == CrossEvery / 2 && TryCross(out instrument, out mark))
        {
            Crossings++;
        }
        else
        {
            instrument = _instruments[n & (InstrumentTable - 1)];
            mark = _quietMarks[(instrument * MarksPerInstrument) + (int)((n >> 12) & (MarksPerInstrument - 1))];
        }

        command.Kind = CommandKind.MarkTick;
        command.Instrument = instrument;
        command.Price = mark;
        command.SourceId = sourceId;
        command.ClientSequence = n;
    }

    private bool TryCross(out int instrument, out long mark)
    {
        instrument = _eligible[(int)(_crossingsTried++ % _eligible.Length)];
        long[] ladder = _crossingMarks[instrument];
        int rung = _nextRung[instrument];
        if (rung >= ladder.Length)
        {
            mark = 0;
            return false;
        }

        _nextRung[instrument] = rung + 1;
        mark = ladder[rung];
        return true;
    }
}

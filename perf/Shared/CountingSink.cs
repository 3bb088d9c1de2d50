using LiquidationEngine.Contracts;

namespace LiquidationEngine.Perf;

/// <summary>Counts the writer's events by kind and keeps nothing else: the cheapest sink a single-threaded run can have.</summary>
public sealed class CountingSink : IEngineEventSink
{
    /// <summary>Events seen, by <see cref="EventKind"/>.</summary>
    public long[] ByKind { get; } = new long[32];

    /// <summary>Liquidation orders seen.</summary>
    public long Orders => ByKind[(int)EventKind.LiquidationOrder];

    /// <summary>Rejects seen.</summary>
    public long Rejects => ByKind[(int)EventKind.Reject];

    /// <inheritdoc/>
    public void Emit(in EngineEvent e) => ByKind[(int)e.Kind]++;

    /// <summary>Forgets every count.</summary>
    public void Reset() => Array.Clear(ByKind);
}

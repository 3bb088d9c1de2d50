namespace LiquidationEngine.Replay;

/// <summary>What a <see cref="ReplayTick"/> carries.</summary>
public enum ReplayTickKind : byte
{
    /// <summary>A mark price: <see cref="ReplayTick.Price"/>.</summary>
    Mark = 1,

    /// <summary>A funding settlement at <see cref="ReplayTick.Rate"/>, paid on <see cref="ReplayTick.Price"/> (0: use the last mark).</summary>
    Funding = 2,
}

/// <summary>One input of a replay, already resolved to an instrument index.</summary>
/// <param name="Kind">Mark or funding settlement.</param>
/// <param name="TimestampUs">Event time, µs since the Unix epoch (UTC).</param>
/// <param name="Instrument">Instrument index in the catalog.</param>
/// <param name="Price">Mark price, or the funding reference price (0 when unknown), raw (10^-8).</param>
/// <param name="Rate">Funding rate, raw (10^-10); 0 on marks.</param>
public readonly record struct ReplayTick(ReplayTickKind Kind, long TimestampUs, int Instrument, long Price, long Rate);

/// <summary>A source of replay ticks in non-decreasing timestamp order: the built-in scenario's mark path, or
/// recorded feeds merged by timestamp (the host adapts the feed readers to this).</summary>
public interface IReplayInput : IDisposable
{
    /// <summary>Total ticks when known in advance (for a progress bar), else null.</summary>
    long? TotalTicks { get; }

    /// <summary>Reads the next tick; false at the end. May throw to stop the run (strict mode on bad input).</summary>
    bool TryRead(out ReplayTick tick);
}

using LiquidationEngine.State;

namespace LiquidationEngine.Pipeline;

/// <summary>
/// Figures of the writer's state that other threads may read (metrics): the writer copies them out at the end of
/// every batch, so nothing outside the writer thread ever reads <see cref="EngineState"/>.
/// </summary>
/// <remarks>Every field is written by the writer thread only (release) and read by any thread (acquire). The figures
/// of one batch are not published as one atomic set: a reader may see the positions of one batch and a fund balance
/// of the next, which is what a gauge sampled at scrape time means anyway. Publishing allocates nothing.</remarks>
public sealed class EngineStateGauges
{
    /// <summary>Insurance fund balance per settlement asset, raw money (10^-8), as of the last batch.</summary>
    private readonly long[] _insuranceFund;

    /// <summary>Open or liquidating positions.</summary>
    private long _openPositions;

    /// <summary>Liquidation and ADL orders sent and not yet settled.</summary>
    private long _openOrders;

    internal EngineStateGauges(int assetCount) => _insuranceFund = new long[assetCount];

    /// <summary>Settlement assets (the length of the catalog's asset list).</summary>
    public int AssetCount => _insuranceFund.Length;

    /// <summary>Open or liquidating positions after the last batch.</summary>
    public long OpenPositions => Volatile.Read(ref _openPositions);

    /// <summary>Open liquidation and ADL orders after the last batch.</summary>
    public long OpenOrders => Volatile.Read(ref _openOrders);

    /// <summary>The insurance fund of <paramref name="asset"/> after the last batch, raw money (10^-8).</summary>
    public long InsuranceFund(int asset) => Volatile.Read(ref _insuranceFund[asset]);

    /// <summary>Writer thread (or before the writer starts): copies the figures out of <paramref name="state"/>.</summary>
    internal void Publish(EngineState state)
    {
        Volatile.Write(ref _openPositions, state.Positions.Count);
        Volatile.Write(ref _openOrders, state.OpenOrders.Count);
        long[] fund = state.Books.InsuranceFund;
        for (int a = 0; a < _insuranceFund.Length; a++)
        {
            Volatile.Write(ref _insuranceFund[a], fund[a]);
        }
    }
}

namespace LiquidationEngine.State;

/// <summary>Per settlement asset: the insurance fund, the fee pool, and counters of flows that cross the engine's boundary.</summary>
/// <remarks>The boundary counters are lifetime totals, so they are 128-bit: they never overflow in practice.
/// Conservation: Σ main + Σ blocks + insurance + fees = deposits − withdrawals + realised PnL + funding + insurance top-ups,
/// for every asset, at every sequence. The last three are money exchanged with counterparties outside this book.</remarks>
public sealed class AssetBooks
{
    /// <summary>Creates books for <paramref name="assetCount"/> assets.</summary>
    public AssetBooks(int assetCount)
    {
        InsuranceFund = new long[assetCount];
        FeePool = new long[assetCount];
        Deposits = new Int128[assetCount];
        Withdrawals = new Int128[assetCount];
        RealisedPnl = new Int128[assetCount];
        FundingFlow = new Int128[assetCount];
        InsuranceTopUps = new Int128[assetCount];
    }

    /// <summary>Insurance fund balance, raw money. Receives liquidation fees and surpluses, pays shortfalls.</summary>
    public long[] InsuranceFund { get; }

    /// <summary>Trading fees collected from blocks, raw money.</summary>
    public long[] FeePool { get; }

    /// <summary>Total deposited into main balances.</summary>
    public Int128[] Deposits { get; }

    /// <summary>Total withdrawn from main balances.</summary>
    public Int128[] Withdrawals { get; }

    /// <summary>Realised trading PnL credited to blocks and the fund, net (counterparties are outside this book).</summary>
    public Int128[] RealisedPnl { get; }

    /// <summary>Funding credited to blocks, net (payers and receivers are not all in this book).</summary>
    public Int128[] FundingFlow { get; }

    /// <summary>Venue top-ups of the insurance fund.</summary>
    public Int128[] InsuranceTopUps { get; }
}

namespace LiquidationEngine.State;

/// <summary>Per settlement asset: the insurance fund, the fee pool, and counters of flows that cross the engine's boundary.</summary>
/// <remarks>Conservation: Σ main + Σ blocks + insurance + fees = deposits − withdrawals + realised PnL + funding + insurance top-ups,
/// for every asset, at every sequence. The last three are money exchanged with counterparties outside this book.</remarks>
public sealed class AssetBooks
{
    /// <summary>Creates books for <paramref name="assetCount"/> assets.</summary>
    public AssetBooks(int assetCount)
    {
        InsuranceFund = new long[assetCount];
        FeePool = new long[assetCount];
        Deposits = new long[assetCount];
        Withdrawals = new long[assetCount];
        RealisedPnl = new long[assetCount];
        FundingFlow = new long[assetCount];
        InsuranceTopUps = new long[assetCount];
    }

    /// <summary>Insurance fund balance, raw money. Receives liquidation fees and surpluses, pays shortfalls.</summary>
    public long[] InsuranceFund { get; }

    /// <summary>Trading fees collected from blocks, raw money.</summary>
    public long[] FeePool { get; }

    /// <summary>Total deposited into main balances.</summary>
    public long[] Deposits { get; }

    /// <summary>Total withdrawn from main balances.</summary>
    public long[] Withdrawals { get; }

    /// <summary>Realised trading PnL credited to blocks and the fund, net (counterparties are outside this book).</summary>
    public long[] RealisedPnl { get; }

    /// <summary>Funding credited to blocks, net (payers and receivers are not all in this book).</summary>
    public long[] FundingFlow { get; }

    /// <summary>Venue top-ups of the insurance fund.</summary>
    public long[] InsuranceTopUps { get; }
}

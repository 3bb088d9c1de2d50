using System.Runtime.CompilerServices;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.State;

/// <summary>Everything the single writer owns: positions, accounts, books, funding, the index and open orders.</summary>
/// <remarks>Only the writer thread touches an instance while the pipeline runs. Other threads read it only through
/// query commands in the ring, or after the pipeline has stopped.</remarks>
public sealed class EngineState
{
    /// <summary>Creates empty state sized from the options.</summary>
    public EngineState(InstrumentCatalog catalog, int positionCapacity = 1024, int accountCapacity = 1024, int openOrderCapacity = 4096)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Catalog = catalog;
        Positions = new PositionStore(positionCapacity);
        Accounts = new AccountStore(catalog.Assets.Count, accountCapacity);
        Books = new AssetBooks(catalog.Assets.Count);
        Funding = new FundingBook(catalog.Count);
        Index = new LiquidationIndex(Positions, catalog.Count);
        OpenOrders = new Dictionary<long, OpenOrder>(openOrderCapacity);
    }

    /// <summary>Instruments and assets (immutable).</summary>
    public InstrumentCatalog Catalog { get; }

    /// <summary>Isolated positions, struct-of-arrays.</summary>
    public PositionStore Positions { get; }

    /// <summary>Main balances.</summary>
    public AccountStore Accounts { get; }

    /// <summary>Insurance funds, fee pools and boundary counters.</summary>
    public AssetBooks Books { get; }

    /// <summary>Marks and funding indices.</summary>
    public FundingBook Funding { get; }

    /// <summary>Trigger-price index.</summary>
    public LiquidationIndex Index { get; }

    /// <summary>Liquidation orders awaiting fill or no-fill reports, by order id.</summary>
    public Dictionary<long, OpenOrder> OpenOrders { get; }

    /// <summary>Last order id issued; ids are a counter in ring order, so replays reproduce them.</summary>
    public long LastOrderId { get; set; }

    /// <summary>Last event sequence emitted.</summary>
    public long LastEventSequence { get; set; }

    /// <summary>The newest numbered events, for clients resuming across a restart (stored in snapshots, not hashed).</summary>
    public OrderWindow OrderWindow { get; } = new(0);

    /// <summary>Ring sequence of the last applied input.</summary>
    public long LastSequence { get; set; } = -1;

    /// <summary>Funding a slot owes (positive) or is owed (negative) since it was last settled, raw money, rounded up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long PendingFunding(int slot)
    {
        long size = Positions.Size[slot];
        long cum = Funding.Cumulative[FundingBook.SideIndex(Positions.Instrument[slot], size)];
        long delta = checked(cum - Positions.FundingSnapshot[slot]);
        return delta == 0 ? 0 : FixedPoint.Divide(Math.BigMul(Math.Abs(size), delta), FundingBook.IndexScale, Rounding.Up);
    }

    /// <summary>The block's margin with pending funding charged, without changing state.</summary>
    public long EffectiveMargin(int slot) => checked(Positions.Margin[slot] - PendingFunding(slot));

    /// <summary>Charges pending funding to the block and moves its snapshot to the current index.</summary>
    public void SettleFunding(int slot)
    {
        long pending = PendingFunding(slot);
        long size = Positions.Size[slot];
        int instrument = Positions.Instrument[slot];
        long margin = checked(Positions.Margin[slot] - pending); // may throw: before any write
        Positions.FundingSnapshot[slot] = Funding.Cumulative[FundingBook.SideIndex(instrument, size)];
        Positions.Margin[slot] = margin;
        Books.FundingFlow[Catalog[instrument].SettlementAsset] -= pending;
    }

    /// <summary>Pays a fully closed block's remainder (<paramref name="rest"/>, raw money in <paramref name="asset"/>)
    /// to account <paramref name="ix"/>'s main balance: rounded down onto the asset's grid, the sub-unit dust to the
    /// insurance fund. A negative remainder is the fund's loss, never the account's.</summary>
    public void ReleaseClosedBlock(int ix, int asset, long rest)
    {
        if (rest >= 0)
        {
            long payout = Catalog.RoundToAsset(asset, rest, Rounding.Down);
            Accounts.Main(ix, asset) += payout;
            Books.InsuranceFund[asset] += rest - payout;
        }
        else
        {
            Books.InsuranceFund[asset] += rest;
        }
    }

    /// <summary>Takes an open slot out of the index.</summary>
    public void IndexRemove(int slot)
        => Index.Remove(slot, LiquidationIndex.TreeOf(Positions.Instrument[slot], Positions.Size[slot]));

    /// <summary>Rebuilds the index from the stored keys (after a snapshot load). The same keys give the same candidates.</summary>
    public void RebuildIndex()
    {
        Index.Clear();
        for (int t = 0; t < Catalog.Count * 2; t++)
        {
            Index.UpdateOffset(t, Funding, Catalog[t / 2]);
        }

        for (int s = 0; s < Positions.Capacity; s++)
        {
            if (Positions.Status[s] == PositionStatus.Open)
            {
                int tree = LiquidationIndex.TreeOf(Positions.Instrument[s], Positions.Size[s]);
                Index.Insert(s, tree, Positions.Key[s] + Index.OffsetOf(tree));
            }
        }
    }
}

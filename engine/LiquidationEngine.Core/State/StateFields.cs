using LiquidationEngine.Contracts;

namespace LiquidationEngine.State;

/// <summary>Who sees a field of the engine state, and in which position slots it exists.</summary>
[Flags]
public enum FieldUse : byte
{
    /// <summary>Written to and read back from snapshots.</summary>
    Stored = 1,

    /// <summary>Covered by <see cref="StateHasher"/>.</summary>
    Hashed = 2,

    /// <summary>Slot fields only: present for a free slot.</summary>
    FreeSlot = 4,

    /// <summary>Slot fields only: present for an open or liquidating slot.</summary>
    LiveSlot = 8,
}

/// <summary>A scalar of <see cref="EngineState"/> (8 bytes in a snapshot).</summary>
/// <param name="Name">Field name, for messages and tests.</param>
/// <param name="Use">Stored and/or hashed.</param>
/// <param name="Get">Reads the value.</param>
/// <param name="Set">Writes the value back on load.</param>
public sealed record ScalarField(string Name, FieldUse Use, Func<EngineState, long> Get, Action<EngineState, long> Set);

/// <summary>A column of <see cref="PositionStore"/>, one value per slot.</summary>
/// <param name="Name">Field name.</param>
/// <param name="Bytes">Width in a snapshot: 1, 2, 4 or 8 (0 for a hash-only field).</param>
/// <param name="Use">Stored/hashed, and in which slots the field exists.</param>
/// <param name="Get">The value as stored.</param>
/// <param name="Set">Writes a loaded value (unchecked narrowing); null for a hash-only field.</param>
/// <param name="Hash">What the hasher adds instead of <paramref name="Get"/>, where the stored value is an internal
/// index (an account's dense index hashes as its id); null to hash <paramref name="Get"/>.</param>
public sealed record SlotField(
    string Name,
    int Bytes,
    FieldUse Use,
    Func<EngineState, int, long> Get,
    Action<EngineState, int, long>? Set,
    Func<EngineState, int, long>? Hash = null);

/// <summary>A field of an account row; <paramref name="PerAsset"/> fields repeat once per asset.</summary>
/// <param name="Name">Field name.</param>
/// <param name="Bytes">Width in a snapshot: 4 or 8.</param>
/// <param name="Use">Stored and/or hashed.</param>
/// <param name="PerAsset">One value per settlement asset, in asset order.</param>
/// <param name="Get">Value of (account index, asset).</param>
/// <param name="Set">Writes a loaded value; null for the key (the account id), which the loader adds.</param>
public sealed record AccountField(string Name, int Bytes, FieldUse Use, bool PerAsset, Func<AccountStore, int, int, long> Get, Action<AccountStore, int, int, long>? Set);

/// <summary>What a book array has one element per: its length comes from the catalog.</summary>
public enum BookDimension : byte
{
    /// <summary>One per settlement asset.</summary>
    Asset,

    /// <summary>One per instrument.</summary>
    Instrument,

    /// <summary>Two per instrument (long side, short side).</summary>
    InstrumentSide,
}

/// <summary>A per-asset or per-instrument array of the books; its length comes from the catalog.</summary>
/// <param name="Name">Field name.</param>
/// <param name="Per">What it has one element per (a snapshot of a smaller catalog fills the first elements).</param>
/// <param name="Use">Stored and/or hashed.</param>
/// <param name="Narrow">The array, if of <see cref="long"/> (8 bytes each).</param>
/// <param name="Wide">The array, if of <see cref="Int128"/> (16 bytes each, low half first).</param>
public sealed record BookField(string Name, BookDimension Per, FieldUse Use, Func<EngineState, long[]>? Narrow, Func<EngineState, Int128[]>? Wide);

/// <summary>A field of an open liquidation order (the first is the order id, the dictionary key).</summary>
/// <param name="Name">Field name.</param>
/// <param name="Bytes">Width in a snapshot: 1, 4 or 8.</param>
/// <param name="Use">Stored and/or hashed.</param>
/// <param name="Get">Value of (order id, order).</param>
/// <param name="With">The order with this field set to a loaded value; null for the id.</param>
public sealed record OrderField(string Name, int Bytes, FieldUse Use, Func<long, OpenOrder, long> Get, Func<OpenOrder, long, OpenOrder>? With);

/// <summary>The one description of the engine state's fields, in order: the snapshot writer, the snapshot reader
/// (<c>LiquidationEngine.Persistence.EngineSnapshot</c>) and <see cref="StateHasher"/> all walk these tables, so a
/// field added here is stored, loaded and hashed, or deliberately not.</summary>
/// <remarks>Sections come in this order: <see cref="Header"/>, slot capacity and free-list head (stored only: a
/// recovered store may be larger), <see cref="Slots"/> for every slot, the account count and <see cref="Accounts"/>
/// per account in arrival order, <see cref="Books"/>, the open-order count and <see cref="Orders"/> per order by id.
/// Fields not hashed are derived links (free list, per-account lists) or bookkeeping whose value never changes an
/// outcome (mark sequence and time).</remarks>
public static class StateFields
{
    private const FieldUse Both = FieldUse.Stored | FieldUse.Hashed;
    private const FieldUse Live = FieldUse.LiveSlot;
    private const FieldUse AnySlot = FieldUse.FreeSlot | FieldUse.LiveSlot;

    /// <summary>Scalars before the positions.</summary>
    public static IReadOnlyList<ScalarField> Header { get; } =
    [
        new("LastOrderId", Both, static s => s.LastOrderId, static (s, v) => s.LastOrderId = v),
        new("LastEventSequence", Both, static s => s.LastEventSequence, static (s, v) => s.LastEventSequence = v),
    ];

    /// <summary>Slot columns. <c>Status</c> comes first: it says whether the rest is a free or a live slot.</summary>
    public static IReadOnlyList<SlotField> Slots { get; } =
    [
        new("Slot", 0, FieldUse.Hashed | Live, static (_, i) => i, null),
        new("Status", 1, Both | AnySlot, static (s, i) => (long)s.Positions.Status[i], static (s, i, v) => s.Positions.Status[i] = (PositionStatus)unchecked((byte)v)),
        new("Generation", 4, Both | AnySlot, static (s, i) => s.Positions.Generation[i], static (s, i, v) => s.Positions.Generation[i] = unchecked((uint)v), static (s, i) => s.Positions.PositionId(i)),

        // A free slot's Left is its free-list link: recovery must reuse slots in the same order.
        new("Left", 4, FieldUse.Stored | FieldUse.FreeSlot, static (s, i) => s.Positions.Left[i], static (s, i, v) => s.Positions.Left[i] = unchecked((int)v)),
        new("AccountIx", 4, Both | Live, static (s, i) => s.Positions.AccountIx[i], static (s, i, v) => s.Positions.AccountIx[i] = unchecked((int)v), static (s, i) => s.Accounts.IdOf(s.Positions.AccountIx[i])),
        new("NextInAccount", 4, FieldUse.Stored | Live, static (s, i) => s.Positions.NextInAccount[i], static (s, i, v) => s.Positions.NextInAccount[i] = unchecked((int)v)),
        new("Instrument", 2, Both | Live, static (s, i) => s.Positions.Instrument[i], static (s, i, v) => s.Positions.Instrument[i] = unchecked((ushort)v)),
        new("Leverage", 1, Both | Live, static (s, i) => s.Positions.Leverage[i], static (s, i, v) => s.Positions.Leverage[i] = unchecked((byte)v)),
        new("Size", 8, Both | Live, static (s, i) => s.Positions.Size[i], static (s, i, v) => s.Positions.Size[i] = v),
        new("Entry", 8, Both | Live, static (s, i) => s.Positions.Entry[i], static (s, i, v) => s.Positions.Entry[i] = v),
        new("Margin", 8, Both | Live, static (s, i) => s.Positions.Margin[i], static (s, i, v) => s.Positions.Margin[i] = v),
        new("FundingSnapshot", 8, Both | Live, static (s, i) => s.Positions.FundingSnapshot[i], static (s, i, v) => s.Positions.FundingSnapshot[i] = v),
        new("Key", 8, Both | Live, static (s, i) => s.Positions.Key[i], static (s, i, v) => s.Positions.Key[i] = v),
    ];

    /// <summary>Account row fields; the first, the account id, is the row's key.</summary>
    public static IReadOnlyList<AccountField> Accounts { get; } =
    [
        new("Id", 8, Both, false, static (a, ix, _) => a.IdOf(ix), null),
        new("PositionHead", 4, FieldUse.Stored, false, static (a, ix, _) => a.PositionHead(ix), static (a, ix, _, v) => a.PositionHead(ix) = unchecked((int)v)),
        new("Main", 8, Both, true, static (a, ix, k) => a.Main(ix, k), static (a, ix, k, v) => a.Main(ix, k) = v),
    ];

    /// <summary>Per-asset books, then per-instrument (mark) and per-instrument-side (funding) arrays.</summary>
    public static IReadOnlyList<BookField> Books { get; } =
    [
        new("Deposits", BookDimension.Asset, Both, null, static s => s.Books.Deposits),
        new("Withdrawals", BookDimension.Asset, Both, null, static s => s.Books.Withdrawals),
        new("RealisedPnl", BookDimension.Asset, Both, null, static s => s.Books.RealisedPnl),
        new("FundingFlow", BookDimension.Asset, Both, null, static s => s.Books.FundingFlow),
        new("InsuranceTopUps", BookDimension.Asset, Both, null, static s => s.Books.InsuranceTopUps),
        new("InsuranceFund", BookDimension.Asset, Both, static s => s.Books.InsuranceFund, null),
        new("FeePool", BookDimension.Asset, Both, static s => s.Books.FeePool, null),
        new("Mark", BookDimension.Instrument, Both, static s => s.Funding.Mark, null),
        new("MarkSequence", BookDimension.Instrument, FieldUse.Stored, static s => s.Funding.MarkSequence, null),
        new("MarkTimeUs", BookDimension.Instrument, FieldUse.Stored, static s => s.Funding.MarkTimeUs, null),
        new("Cumulative", BookDimension.InstrumentSide, Both, static s => s.Funding.Cumulative, null),
        new("Increases", BookDimension.InstrumentSide, Both, static s => s.Funding.Increases, null),
        new("Decreases", BookDimension.InstrumentSide, Both, static s => s.Funding.Decreases, null),
    ];

    /// <summary>Open liquidation order fields; the first, the order id, is the dictionary key.</summary>
    public static IReadOnlyList<OrderField> Orders { get; } =
    [
        new("OrderId", 8, Both, static (id, _) => id, null),
        new("Slot", 4, Both, static (_, o) => o.Slot, static (o, v) => o with { Slot = unchecked((int)v) }),
        new("PositionId", 8, Both, static (_, o) => o.PositionId, static (o, v) => o with { PositionId = v }),
        new("Remaining", 8, Both, static (_, o) => o.Remaining, static (o, v) => o with { Remaining = v }),
        new("BankruptcyPrice", 8, Both, static (_, o) => o.BankruptcyPrice, static (o, v) => o with { BankruptcyPrice = v }),
        new("Kind", 1, Both, static (_, o) => (long)o.Kind, static (o, v) => o with { Kind = (OrderKind)unchecked((byte)v) }),
        new("TriggerMark", 8, Both, static (_, o) => o.TriggerMark, static (o, v) => o with { TriggerMark = v }),
    ];

    /// <summary>Whether a slot field exists in a slot of the given status.</summary>
    public static bool Applies(SlotField field, PositionStatus status)
    {
        ArgumentNullException.ThrowIfNull(field);
        return (field.Use & (status == PositionStatus.Free ? FieldUse.FreeSlot : FieldUse.LiveSlot)) != 0;
    }

    /// <summary>Open orders in the order both walks use: by id.</summary>
    public static IEnumerable<KeyValuePair<long, OpenOrder>> OrdersById(EngineState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.OpenOrders.OrderBy(kv => kv.Key);
    }
}

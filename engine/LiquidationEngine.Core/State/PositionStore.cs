using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LiquidationEngine.State;

/// <summary>Isolated positions as struct-of-arrays, indexed by slot. Owned by the writer thread only.</summary>
/// <remarks>
/// One slot is one isolated margin block. The arrays are parallel: index <c>s</c> of each describes slot <c>s</c>.
/// Freed slots are chained through <see cref="Left"/> into a free list and reused. The layout costs 64 bytes a slot,
/// index links included. Capacity is pre-sized from configuration; if opens exhaust it, the arrays double
/// (a copy on the command path, never on the tick path).
/// </remarks>
public sealed class PositionStore
{
    /// <summary>No slot.</summary>
    public const int Nil = -1;

    private int _freeHead;

    /// <summary>Creates a store with room for <paramref name="capacity"/> positions.</summary>
    public PositionStore(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        AccountIx = new int[capacity];
        NextInAccount = new int[capacity];
        Instrument = new ushort[capacity];
        Status = new PositionStatus[capacity];
        Leverage = new byte[capacity];
        Generation = new uint[capacity];
        Size = new long[capacity];
        Entry = new long[capacity];
        Margin = new long[capacity];
        FundingSnapshot = new long[capacity];
        Key = new long[capacity];
        Left = new int[capacity];
        Right = new int[capacity];
        InitFreeList(0, capacity);
        _freeHead = 0;
    }

    /// <summary>Dense account index (see <see cref="AccountStore"/>).</summary>
    public int[] AccountIx { get; private set; }

    /// <summary>Next slot of the same account, or <see cref="Nil"/>: each account's positions form a chain.</summary>
    public int[] NextInAccount { get; private set; }

    /// <summary>Instrument index.</summary>
    public ushort[] Instrument { get; private set; }

    /// <summary>Slot status.</summary>
    public PositionStatus[] Status { get; private set; }

    /// <summary>Whole leverage chosen by the trader (1..255).</summary>
    public byte[] Leverage { get; private set; }

    /// <summary>Bumped each time the slot is reused, so position ids are never repeated.</summary>
    public uint[] Generation { get; private set; }

    /// <summary>Signed size, raw quantity (10^-8 base units): positive long, negative short.</summary>
    public long[] Size { get; private set; }

    /// <summary>Average entry price, raw (10^-8).</summary>
    public long[] Entry { get; private set; }

    /// <summary>Block wallet balance M, raw money (10^-8): margin plus realised PnL, fees and settled funding.</summary>
    public long[] Margin { get; private set; }

    /// <summary>The instrument's cumulative funding charge for this side when the block was last settled (10^-12 money per unit).</summary>
    public long[] FundingSnapshot { get; private set; }

    /// <summary>Cached liquidation-index key, in funding-normalised price units (see <c>LiquidationIndex</c>).</summary>
    public long[] Key { get; private set; }

    /// <summary>Index tree left child; free-list link while the slot is free.</summary>
    public int[] Left { get; private set; }

    /// <summary>Index tree right child.</summary>
    public int[] Right { get; private set; }

    /// <summary>Slots allocated (capacity).</summary>
    public int Capacity => Size.Length;

    /// <summary>Open or liquidating positions.</summary>
    public int Count { get; private set; }

    /// <summary>Approximate bytes per slot of state plus index links.</summary>
    public const int BytesPerSlot = 4 + 4 + 2 + 1 + 1 + 4 + (8 * 5) + 4 + 4;

    /// <summary>Stable id of the position in a slot: generation in the high 32 bits, slot in the low.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long PositionId(int slot) => ((long)Generation[slot] << 32) | (uint)slot;

    /// <summary>The slot of a position id, or <see cref="Nil"/> if the id is stale or unknown.</summary>
    public int SlotOf(long positionId)
    {
        int slot = (int)(positionId & 0xFFFF_FFFF);
        uint gen = (uint)(positionId >>> 32);
        return slot >= 0 && slot < Capacity && Status[slot] != PositionStatus.Free && Generation[slot] == gen ? slot : Nil;
    }

    /// <summary>Takes a free slot (growing if needed) and links it to the account chain.</summary>
    public int Allocate(int accountIx, ref int accountHead, int instrument)
    {
        if (_freeHead == Nil)
        {
            Grow();
        }

        int slot = _freeHead;
        _freeHead = Left[slot];
        Debug.Assert(Status[slot] == PositionStatus.Free, "free list holds only free slots");
        Generation[slot]++;
        AccountIx[slot] = accountIx;
        Instrument[slot] = checked((ushort)instrument);
        Status[slot] = PositionStatus.Open;
        Left[slot] = Nil;
        Right[slot] = Nil;
        NextInAccount[slot] = accountHead;
        accountHead = slot;
        Count++;
        return slot;
    }

    /// <summary>Returns a slot to the free list and unlinks it from its account chain. The slot must be out of the index.</summary>
    public void Free(int slot, ref int accountHead)
    {
        Debug.Assert(Status[slot] != PositionStatus.Free, "double free");
        if (accountHead == slot)
        {
            accountHead = NextInAccount[slot];
        }
        else
        {
            int s = accountHead;
            while (NextInAccount[s] != slot)
            {
                s = NextInAccount[s];
            }

            NextInAccount[s] = NextInAccount[slot];
        }

        Status[slot] = PositionStatus.Free;
        Size[slot] = 0;
        Entry[slot] = 0;
        Margin[slot] = 0;
        FundingSnapshot[slot] = 0;
        Key[slot] = 0;
        Leverage[slot] = 0;
        AccountIx[slot] = 0;
        Instrument[slot] = 0;
        NextInAccount[slot] = Nil;
        Right[slot] = Nil;
        Left[slot] = _freeHead;
        _freeHead = slot;
        Count--;
    }

    /// <summary>Finds the account's position on an instrument by walking the account chain.</summary>
    public int Find(int accountHead, int instrument)
    {
        for (int s = accountHead; s != Nil; s = NextInAccount[s])
        {
            if (Instrument[s] == instrument)
            {
                return s;
            }
        }

        return Nil;
    }

    /// <summary>Head of the free list (the next slot an open takes), or <see cref="Nil"/>.</summary>
    public int FreeHead => _freeHead;

    /// <summary>Restores the free list exactly as it was snapshotted (links in <see cref="Left"/>), so that a recovered
    /// engine hands out the same slots, and so the same position ids, as the one that crashed.</summary>
    public void RestoreFreeList(int freeHead)
    {
        _freeHead = freeHead;
        Count = 0;
        for (int s = 0; s < Capacity; s++)
        {
            if (Status[s] != PositionStatus.Free)
            {
                Count++;
            }
        }
    }

    /// <summary>Grows to at least <paramref name="capacity"/> slots, appending the new slots behind the current free
    /// list, so slots are still handed out in the order the store would have used by growing on demand.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (Capacity >= capacity)
        {
            return;
        }

        int tail = Nil;
        for (int s = _freeHead; s != Nil; s = Left[s])
        {
            tail = s;
        }

        int head = _freeHead;
        _freeHead = Nil;
        int old = Capacity;
        Grow(capacity);

        // Grow linked old..new-1; put that chain after the existing free list.
        if (tail == Nil)
        {
            _freeHead = old;
        }
        else
        {
            Left[tail] = old;
            _freeHead = head;
        }
    }

    private void Grow() => Grow(checked(Capacity * 2));

    private void Grow(int capacity)
    {
        int old = Capacity;
        Debug.Assert(_freeHead == Nil, "grow only when the free list is empty");
        AccountIx = Resize(AccountIx, capacity);
        NextInAccount = Resize(NextInAccount, capacity);
        Instrument = Resize(Instrument, capacity);
        Status = Resize(Status, capacity);
        Leverage = Resize(Leverage, capacity);
        Generation = Resize(Generation, capacity);
        Size = Resize(Size, capacity);
        Entry = Resize(Entry, capacity);
        Margin = Resize(Margin, capacity);
        FundingSnapshot = Resize(FundingSnapshot, capacity);
        Key = Resize(Key, capacity);
        Left = Resize(Left, capacity);
        Right = Resize(Right, capacity);
        InitFreeList(old, capacity);
        _freeHead = old;
    }

    private void InitFreeList(int from, int to)
    {
        for (int s = from; s < to; s++)
        {
            Left[s] = s + 1 < to ? s + 1 : Nil;
            Right[s] = Nil;
            NextInAccount[s] = Nil;
        }
    }

    private static T[] Resize<T>(T[] array, int capacity)
    {
        var bigger = new T[capacity];
        array.CopyTo(bigger, 0);
        return bigger;
    }
}

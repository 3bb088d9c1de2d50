using System.Buffers.Binary;
using System.Numerics;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.State;

namespace LiquidationEngine.Persistence;

/// <summary>Writes and reads the whole engine state as one binary snapshot, consistent at one ring sequence.</summary>
/// <remarks>
/// Layout (little-endian): magic <c>LQSN</c>, version u32, sequence i64, asset count i32, instrument count i32,
/// then the sections in the order of <see cref="Write"/>, then the CRC-32C (<see cref="Crc32C"/>)
/// of everything before it, and the state hash. A snapshot whose CRC or hash does not match is rejected, so a torn
/// write is never loaded. The index is rebuilt from the stored keys, which gives the same candidates as before.
/// </remarks>
public static class EngineSnapshot
{
    private const uint Magic = 0x4E53514C; // "LQSN"
    private const uint Version = 2;

    /// <summary>Writes the state at <paramref name="sequence"/> to a stream.</summary>
    public static void Write(EngineState s, long sequence, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Serialize(s, sequence));
    }

    /// <summary>The snapshot of the state at <paramref name="sequence"/> as one array.</summary>
    /// <remarks>Runs on the writer thread, so it builds the bytes in one buffer sized up front (no doubling copies)
    /// and copies them once.</remarks>
    public static byte[] Serialize(EngineState s, long sequence)
    {
        ArgumentNullException.ThrowIfNull(s);
        using var buffer = new MemoryStream(EstimateSize(s));
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Version);
            w.Write(sequence);
            w.Write(s.Catalog.Assets.Count);
            w.Write(s.Catalog.Count);
            w.Write(s.LastOrderId);
            w.Write(s.LastEventSequence);

            PositionStore p = s.Positions;
            w.Write(p.Capacity);
            w.Write(p.FreeHead);
            for (int i = 0; i < p.Capacity; i++)
            {
                w.Write((byte)p.Status[i]);
                w.Write(p.Generation[i]);
                if (p.Status[i] == PositionStatus.Free)
                {
                    w.Write(p.Left[i]); // free-list link: recovery must reuse slots in the same order
                    continue;
                }

                w.Write(p.AccountIx[i]);
                w.Write(p.NextInAccount[i]);
                w.Write(p.Instrument[i]);
                w.Write(p.Leverage[i]);
                w.Write(p.Size[i]);
                w.Write(p.Entry[i]);
                w.Write(p.Margin[i]);
                w.Write(p.FundingSnapshot[i]);
                w.Write(p.Key[i]);
            }

            AccountStore a = s.Accounts;
            w.Write(a.Count);
            for (int i = 0; i < a.Count; i++)
            {
                w.Write(a.IdOf(i));
                w.Write(a.PositionHead(i));
                for (int k = 0; k < a.AssetCount; k++)
                {
                    w.Write(a.Main(i, k));
                }
            }

            foreach (Int128[] arr in BoundaryCounters(s))
            {
                foreach (Int128 v in arr)
                {
                    w.Write((ulong)(v & ulong.MaxValue));
                    w.Write((long)(v >> 64));
                }
            }

            foreach (long[] arr in BookArrays(s))
            {
                foreach (long v in arr)
                {
                    w.Write(v);
                }
            }

            w.Write(s.OpenOrders.Count);
            foreach (KeyValuePair<long, OpenOrder> o in s.OpenOrders.OrderBy(kv => kv.Key))
            {
                w.Write(o.Key);
                w.Write(o.Value.Slot);
                w.Write(o.Value.PositionId);
                w.Write(o.Value.Remaining);
                w.Write(o.Value.BankruptcyPrice);
                w.Write((byte)o.Value.Kind);
                w.Write(o.Value.TriggerMark);
            }
        }

        int bodyLength = checked((int)buffer.Length);
        Span<byte> trailer = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32C.Compute(buffer.GetBuffer().AsSpan(0, bodyLength)));
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[4..], StateHasher.Compute(s));
        buffer.Write(trailer);
        return buffer.ToArray();
    }

    private static int EstimateSize(EngineState s)
    {
        long bytes = 64
            + (5L * s.Positions.Capacity) + (59L * s.Positions.Count)
            + (s.Accounts.Count * (12L + (8L * s.Accounts.AssetCount)))
            + (16L * 5 * s.Catalog.Assets.Count) + (8L * ((2 * s.Catalog.Assets.Count) + (9 * s.Catalog.Count)))
            + (45L * s.OpenOrders.Count) + 12;
        return (int)Math.Min(bytes, Array.MaxLength);
    }

    /// <summary>Reads a snapshot written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">Bad magic, version, catalog shape, CRC or hash.</exception>
    /// <param name="input">The snapshot bytes.</param>
    /// <param name="catalog">The catalog the snapshot was taken with.</param>
    /// <param name="sequence">The ring sequence the snapshot is consistent at.</param>
    /// <param name="minPositionCapacity">Position slots to have at least (grown behind the restored free list).</param>
    /// <param name="accountCapacity">Accounts to pre-size for, as configured.</param>
    /// <param name="openOrderCapacity">Open liquidation orders to pre-size for, as configured, so a cascade after a restart allocates nothing.</param>
    public static EngineState Read(Stream input, InstrumentCatalog catalog, out long sequence, int minPositionCapacity = 0, int accountCapacity = 1024, int openOrderCapacity = 4096)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(catalog);
        byte[] all;
        if (input.CanSeek)
        {
            // A file: read it straight into one array of its size.
            all = new byte[checked((int)(input.Length - input.Position))];
            input.ReadExactly(all);
        }
        else
        {
            using var copy = new MemoryStream();
            input.CopyTo(copy);
            all = copy.ToArray();
        }

        if (all.Length < 12 + 32)
        {
            throw new InvalidDataException("snapshot is truncated");
        }

        ReadOnlySpan<byte> body = all.AsSpan(0, all.Length - 12);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(all.AsSpan(all.Length - 12));
        ulong hash = BinaryPrimitives.ReadUInt64LittleEndian(all.AsSpan(all.Length - 8));
        if (crc != Crc32C.Compute(body))
        {
            throw new InvalidDataException("snapshot CRC32C mismatch (torn or corrupt file)");
        }

        using var r = new BinaryReader(new MemoryStream(all, 0, body.Length));
        if (r.ReadUInt32() != Magic || r.ReadUInt32() != Version)
        {
            throw new InvalidDataException("not a version-2 LiquidationEngine snapshot");
        }

        sequence = r.ReadInt64();
        int assets = r.ReadInt32();
        int instruments = r.ReadInt32();
        if (assets != catalog.Assets.Count || instruments != catalog.Count)
        {
            throw new InvalidDataException($"snapshot was taken with {assets} assets and {instruments} instruments; the catalog has {catalog.Assets.Count} and {catalog.Count}");
        }

        long lastOrderId = r.ReadInt64();
        long lastEventSequence = r.ReadInt64();
        int capacity = r.ReadInt32();
        int freeHead = r.ReadInt32();
        var s = new EngineState(catalog, capacity, accountCapacity, openOrderCapacity)
        {
            LastOrderId = lastOrderId,
            LastEventSequence = lastEventSequence,
            LastSequence = sequence,
        };
        PositionStore p = s.Positions;
        for (int i = 0; i < capacity; i++)
        {
            p.Status[i] = (PositionStatus)r.ReadByte();
            p.Generation[i] = r.ReadUInt32();
            if (p.Status[i] == PositionStatus.Free)
            {
                p.Left[i] = r.ReadInt32();
                continue;
            }

            p.AccountIx[i] = r.ReadInt32();
            p.NextInAccount[i] = r.ReadInt32();
            p.Instrument[i] = r.ReadUInt16();
            p.Leverage[i] = r.ReadByte();
            p.Size[i] = r.ReadInt64();
            p.Entry[i] = r.ReadInt64();
            p.Margin[i] = r.ReadInt64();
            p.FundingSnapshot[i] = r.ReadInt64();
            p.Key[i] = r.ReadInt64();
        }

        p.RestoreFreeList(freeHead);
        p.EnsureCapacity(minPositionCapacity);
        AccountStore a = s.Accounts;
        int accounts = r.ReadInt32();
        for (int i = 0; i < accounts; i++)
        {
            int ix = a.GetOrAdd(r.ReadInt64());
            a.PositionHead(ix) = r.ReadInt32();
            for (int k = 0; k < a.AssetCount; k++)
            {
                a.Main(ix, k) = r.ReadInt64();
            }
        }

        foreach (Int128[] arr in BoundaryCounters(s))
        {
            for (int i = 0; i < arr.Length; i++)
            {
                ulong lo = r.ReadUInt64();
                arr[i] = ((Int128)r.ReadInt64() << 64) | lo;
            }
        }

        foreach (long[] arr in BookArrays(s))
        {
            for (int i = 0; i < arr.Length; i++)
            {
                arr[i] = r.ReadInt64();
            }
        }

        int orders = r.ReadInt32();
        for (int i = 0; i < orders; i++)
        {
            long id = r.ReadInt64();
            s.OpenOrders.Add(id, new OpenOrder(r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), (OrderKind)r.ReadByte(), r.ReadInt64()));
        }

        s.RebuildIndex();
        if (StateHasher.Compute(s) != hash)
        {
            throw new InvalidDataException("snapshot state hash mismatch after load");
        }

        return s;
    }

    private static IEnumerable<Int128[]> BoundaryCounters(EngineState s)
    {
        AssetBooks b = s.Books;
        return [b.Deposits, b.Withdrawals, b.RealisedPnl, b.FundingFlow, b.InsuranceTopUps];
    }

    private static IEnumerable<long[]> BookArrays(EngineState s)
    {
        AssetBooks b = s.Books;
        FundingBook f = s.Funding;
        return
        [
            b.InsuranceFund, b.FeePool,
            f.Mark, f.MarkSequence, f.MarkTimeUs, f.Cumulative, f.Increases, f.Decreases,
        ];
    }
}

using System.Buffers.Binary;
using System.Numerics;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.State;

namespace LiquidationEngine.Persistence;

/// <summary>Writes and reads the whole engine state as one binary snapshot, consistent at one ring sequence.</summary>
/// <remarks>
/// Layout (little-endian): magic <c>LQSN</c>, version u32, sequence i64, asset count i32, instrument count i32,
/// the <see cref="CatalogFingerprint"/> (version 3), then every stored field of <see cref="StateFields"/> in its order, then the CRC-32C (<see cref="Crc32C"/>)
/// of everything before it, and the state hash. A snapshot whose CRC or hash does not match is rejected, so a torn
/// write is never loaded. The index is rebuilt from the stored keys, which gives the same candidates as before.
/// </remarks>
public static class EngineSnapshot
{
    private const uint Magic = 0x4E53514C; // "LQSN"
    private const uint Version = 3;

    // No catalog fingerprint after the header; the trailer's state hash is of the field order before StateFields.
    private const uint LegacyVersion = 2;

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
            CatalogFingerprint.Of(s.Catalog).Write(w);
            WriteState(w, s);
            WriteOrderWindow(w, s.OrderWindow);
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
        uint version = r.ReadUInt32() == Magic ? r.ReadUInt32() : 0;
        if (version is not (Version or LegacyVersion))
        {
            throw new InvalidDataException($"not a version-{LegacyVersion} or -{Version} LiquidationEngine snapshot");
        }

        sequence = r.ReadInt64();
        int assets = r.ReadInt32();
        int instruments = r.ReadInt32();
        if (version == Version)
        {
            // Checked before any state is read: ids must mean what they meant; new ids after the last are fine.
            IReadOnlyList<string> changes = CatalogFingerprint.Read(r).ChangesIn(CatalogFingerprint.Of(catalog));
            if (changes.Count > 0)
            {
                throw new CatalogMismatchException("the snapshot", changes);
            }
        }
        else if (assets != catalog.Assets.Count || instruments != catalog.Count)
        {
            throw new InvalidDataException($"snapshot was taken with {assets} assets and {instruments} instruments; the catalog has {catalog.Assets.Count} and {catalog.Count}");
        }

        EngineState s = ReadState(r, catalog, sequence, accountCapacity, openOrderCapacity, assets, instruments);
        if (r.BaseStream.Position < r.BaseStream.Length)
        {
            ReadOrderWindow(r, s.OrderWindow);
        }
        s.Positions.EnsureCapacity(minPositionCapacity);
        s.RebuildIndex();

        // A version-2 trailer holds the hash of the field order before StateFields; its CRC still covers the body.
        // A grown catalog lengthens the book arrays, and so changes the hash: the CRC has checked the bytes.
        bool sameCatalog = assets == catalog.Assets.Count && instruments == catalog.Count;
        if (version == Version && sameCatalog && StateHasher.Compute(s) != hash)
        {
            throw new InvalidDataException("snapshot state hash mismatch after load");
        }

        return s;
    }

    /// <summary>Marks the optional order-window section after the state fields. A snapshot without it (a disabled
    /// window, or written before it existed) has the same bytes as before, so the format version stays.</summary>
    private const uint OrderWindowMagic = 0x574F514C; // "LQOW"

    /// <summary>The order window (<see cref="OrderWindow"/>), when enabled: capacity, complete-after, count,
    /// then each event's fields in declaration order. Not part of the state hash.</summary>
    private static void WriteOrderWindow(BinaryWriter w, OrderWindow window)
    {
        if (window.Capacity == 0)
        {
            return;
        }

        w.Write(OrderWindowMagic);
        w.Write(window.Capacity);
        w.Write(window.CompleteAfter);
        w.Write(window.Count);
        foreach (EngineEvent e in window.Events())
        {
            w.Write((byte)e.Kind);
            w.Write((byte)e.OrderKind);
            w.Write(e.Side);
            w.Write((ushort)e.Reason);
            w.Write(e.Asset);
            w.Write(e.Instrument);
            w.Write(e.SourceId);
            foreach (long v in (ReadOnlySpan<long>)[e.ClientSequence, e.InputSequence, e.OrderId, e.PositionId, e.Account, e.Quantity, e.Price, e.TriggerMark,
                e.EventSequence, e.TimestampUs, e.Margin, e.Equity, e.MaintenanceMargin, e.LiquidationPrice, e.BankruptcyPrice, e.MarginRatio, e.EntryPrice, e.MaxRemovable])
            {
                w.Write(v);
            }

            w.Write(e.Leverage);
            w.Write(e.Status);
        }
    }

    private static void ReadOrderWindow(BinaryReader r, OrderWindow window)
    {
        if (r.ReadUInt32() != OrderWindowMagic)
        {
            throw new InvalidDataException("snapshot has unknown bytes after the state");
        }

        int capacity = r.ReadInt32();
        long completeAfter = r.ReadInt64();
        int count = r.ReadInt32();
        if (capacity < 0 || count < 0 || count > capacity)
        {
            throw new InvalidDataException($"snapshot order window holds {count} events in a capacity of {capacity}");
        }

        window.Resize(capacity);
        window.CompleteAfter = completeAfter;
        for (int i = 0; i < count; i++)
        {
            var e = new EngineEvent
            {
                Kind = (EventKind)r.ReadByte(),
                OrderKind = (OrderKind)r.ReadByte(),
                Side = r.ReadSByte(),
                Reason = (RejectReason)r.ReadUInt16(),
                Asset = r.ReadInt16(),
                Instrument = r.ReadInt32(),
                SourceId = r.ReadInt32(),
                ClientSequence = r.ReadInt64(),
                InputSequence = r.ReadInt64(),
                OrderId = r.ReadInt64(),
                PositionId = r.ReadInt64(),
                Account = r.ReadInt64(),
                Quantity = r.ReadInt64(),
                Price = r.ReadInt64(),
                TriggerMark = r.ReadInt64(),
                EventSequence = r.ReadInt64(),
                TimestampUs = r.ReadInt64(),
                Margin = r.ReadInt64(),
                Equity = r.ReadInt64(),
                MaintenanceMargin = r.ReadInt64(),
                LiquidationPrice = r.ReadInt64(),
                BankruptcyPrice = r.ReadInt64(),
                MarginRatio = r.ReadInt64(),
                EntryPrice = r.ReadInt64(),
                MaxRemovable = r.ReadInt64(),
                Leverage = r.ReadInt32(),
                Status = r.ReadByte(),
            };
            window.Append(e);
        }

        window.CompleteAfter = completeAfter;
    }

    // The slot fields stored for a free and for a live slot, in table order: arrays, so the per-slot loops neither
    // filter nor allocate an enumerator.
    private static readonly SlotField[] FreeSlotFields = [.. StateFields.Slots.Where(f => Stored(f.Use) && StateFields.Applies(f, PositionStatus.Free))];
    private static readonly SlotField[] LiveSlotFields = [.. StateFields.Slots.Where(f => Stored(f.Use) && StateFields.Applies(f, PositionStatus.Open))];
    private static readonly AccountField[] AccountFields = [.. StateFields.Accounts.Where(f => Stored(f.Use))];

    // The body after the header: every stored field of StateFields, in its order.
    private static void WriteState(BinaryWriter w, EngineState s)
    {
        foreach (ScalarField f in StateFields.Header)
        {
            if (Stored(f.Use))
            {
                w.Write(f.Get(s));
            }
        }

        PositionStore p = s.Positions;
        w.Write(p.Capacity);
        w.Write(p.FreeHead);
        for (int i = 0; i < p.Capacity; i++)
        {
            foreach (SlotField f in p.Status[i] == PositionStatus.Free ? FreeSlotFields : LiveSlotFields)
            {
                WriteValue(w, f.Bytes, f.Get(s, i));
            }
        }

        AccountStore a = s.Accounts;
        w.Write(a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            foreach (AccountField f in AccountFields)
            {
                for (int k = 0; k < (f.PerAsset ? a.AssetCount : 1); k++)
                {
                    WriteValue(w, f.Bytes, f.Get(a, i, k));
                }
            }
        }

        foreach (BookField f in StateFields.Books)
        {
            if (!Stored(f.Use))
            {
                continue;
            }

            if (f.Wide is not null)
            {
                foreach (Int128 v in f.Wide(s))
                {
                    w.Write((ulong)(v & ulong.MaxValue));
                    w.Write((long)(v >> 64));
                }
            }
            else
            {
                foreach (long v in f.Narrow!(s))
                {
                    w.Write(v);
                }
            }
        }

        w.Write(s.OpenOrders.Count);
        foreach (KeyValuePair<long, OpenOrder> o in StateFields.OrdersById(s))
        {
            foreach (OrderField f in StateFields.Orders)
            {
                if (Stored(f.Use))
                {
                    WriteValue(w, f.Bytes, f.Get(o.Key, o.Value));
                }
            }
        }
    }

    private static EngineState ReadState(BinaryReader r, InstrumentCatalog catalog, long sequence, int accountCapacity, int openOrderCapacity, int storedAssets, int storedInstruments)
    {
        // The header scalars come before the slot capacity the state is sized by.
        IReadOnlyList<ScalarField> header = StateFields.Header;
        var scalars = new long[header.Count];
        for (int i = 0; i < header.Count; i++)
        {
            scalars[i] = Stored(header[i].Use) ? r.ReadInt64() : 0;
        }

        int capacity = r.ReadInt32();
        int freeHead = r.ReadInt32();
        var s = new EngineState(catalog, capacity, accountCapacity, openOrderCapacity) { LastSequence = sequence };
        for (int i = 0; i < header.Count; i++)
        {
            if (Stored(header[i].Use))
            {
                header[i].Set(s, scalars[i]);
            }
        }

        PositionStore p = s.Positions;
        SlotField status = FreeSlotFields[0];
        for (int i = 0; i < capacity; i++)
        {
            // Status is the first stored field of both kinds of slot: it says which fields follow.
            status.Set!(s, i, ReadValue(r, status.Bytes));
            SlotField[] fields = p.Status[i] == PositionStatus.Free ? FreeSlotFields : LiveSlotFields;
            for (int j = 1; j < fields.Length; j++)
            {
                fields[j].Set!(s, i, ReadValue(r, fields[j].Bytes));
            }
        }

        p.RestoreFreeList(freeHead);
        AccountStore a = s.Accounts;
        int accounts = r.ReadInt32();
        for (int i = 0; i < accounts; i++)
        {
            int ix = -1;
            foreach (AccountField f in AccountFields)
            {
                for (int k = 0; k < (f.PerAsset ? storedAssets : 1); k++)
                {
                    long v = ReadValue(r, f.Bytes);
                    if (f.Set is null)
                    {
                        ix = a.GetOrAdd(v);
                    }
                    else
                    {
                        f.Set(a, ix, k, v);
                    }
                }
            }
        }

        foreach (BookField f in StateFields.Books)
        {
            if (!Stored(f.Use))
            {
                continue;
            }

            int stored = f.Per switch
            {
                BookDimension.Asset => storedAssets,
                BookDimension.Instrument => storedInstruments,
                _ => 2 * storedInstruments,
            };
            if (f.Wide is not null)
            {
                Int128[] arr = f.Wide(s);
                for (int i = 0; i < stored; i++)
                {
                    ulong lo = r.ReadUInt64();
                    arr[i] = ((Int128)r.ReadInt64() << 64) | lo;
                }
            }
            else
            {
                long[] arr = f.Narrow!(s);
                for (int i = 0; i < stored; i++)
                {
                    arr[i] = r.ReadInt64();
                }
            }
        }

        int orders = r.ReadInt32();
        for (int i = 0; i < orders; i++)
        {
            long id = 0;
            OpenOrder order = default;
            foreach (OrderField f in StateFields.Orders)
            {
                if (!Stored(f.Use))
                {
                    continue;
                }

                long v = ReadValue(r, f.Bytes);
                if (f.With is null)
                {
                    id = v;
                }
                else
                {
                    order = f.With(order, v);
                }
            }

            s.OpenOrders.Add(id, order);
        }

        return s;
    }

    private static bool Stored(FieldUse use) => (use & FieldUse.Stored) != 0;

    private static void WriteValue(BinaryWriter w, int bytes, long v)
    {
        switch (bytes)
        {
            case 1: w.Write(unchecked((byte)v)); break;
            case 2: w.Write(unchecked((ushort)v)); break;
            case 4: w.Write(unchecked((uint)v)); break;
            case 8: w.Write(v); break;
            default: throw new InvalidOperationException($"a stored field of {bytes} bytes");
        }
    }

    private static long ReadValue(BinaryReader r, int bytes) => bytes switch
    {
        1 => r.ReadByte(),
        2 => r.ReadUInt16(),
        4 => r.ReadUInt32(),
        8 => r.ReadInt64(),
        _ => throw new InvalidOperationException($"a stored field of {bytes} bytes"),
    };
}

using System.Reflection;
using Xunit;
using LiquidationEngine.Contracts;
using LiquidationEngine.Persistence;
using LiquidationEngine.State;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Persistence;

/// <summary>The snapshot codec and <see cref="StateHasher"/> walk one table, <see cref="StateFields"/>.</summary>
public class StateFieldsTests
{
    // Written by main at 5ea0634 (before the table), by EngineSnapshot.Serialize(SnapshotTests.Busy().State, 41):
    // the three hand-written walks. Version 2; its trailer hash is of the old field order.
    private static readonly string LegacyFixture = Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures", "busy-v2.snap");

    [Fact]
    public void A_snapshot_written_before_the_table_loads_to_the_same_state_and_the_body_is_unchanged()
    {
        Engine e = SnapshotTests.Busy();
        byte[] legacy = File.ReadAllBytes(LegacyFixture);
        EngineState loaded = EngineSnapshot.Read(new MemoryStream(legacy), e.Catalog, out long sequence);
        Assert.Equal(41, sequence);
        Assert.Equal(e.Hash(), StateHasher.Compute(loaded));

        // Byte for byte the same state: version 3 differs only in its version word (4..8), the catalog fingerprint
        // after the 24-byte header, and the 12-byte trailer (CRC, hash).
        byte[] now = EngineSnapshot.Serialize(e.State, 41);
        using var fingerprint = new MemoryStream();
        using (var w = new BinaryWriter(fingerprint, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            LiquidationEngine.Instruments.CatalogFingerprint.Of(e.Catalog).Write(w);
        }

        int added = (int)fingerprint.Length;
        Assert.Equal(legacy.Length + added, now.Length);
        Assert.Equal(2u, BitConverter.ToUInt32(legacy, 4));
        Assert.Equal(3u, BitConverter.ToUInt32(now, 4));
        Assert.Equal(legacy[..4], now[..4]);
        Assert.Equal(legacy[8..24], now[8..24]);
        Assert.Equal(fingerprint.ToArray(), now[24..(24 + added)]);
        Assert.Equal(legacy[24..^12], now[(24 + added)..^12]);
    }

    [Fact]
    public void A_version_2_snapshot_with_a_damaged_body_is_still_refused_by_its_crc()
    {
        Engine e = SnapshotTests.Busy();
        byte[] legacy = File.ReadAllBytes(LegacyFixture);
        legacy[legacy.Length / 2] ^= 0x01;
        Assert.Throws<InvalidDataException>(() => EngineSnapshot.Read(new MemoryStream(legacy), e.Catalog, out _));
    }

    [Fact]
    public void Every_array_of_the_stores_is_in_the_table_or_is_a_derived_index_link()
    {
        // Right (and Left of a live slot) shape the trigger index, which is rebuilt on load.
        string[] derived = ["Right"];
        Assert.Equal(
            ArraysOf(typeof(PositionStore)).Except(derived).Order(),
            StateFields.Slots.Where(f => f.Bytes > 0).Select(f => f.Name).Order());
        Assert.Equal(
            ArraysOf(typeof(AssetBooks)).Concat(ArraysOf(typeof(FundingBook))).Order(),
            StateFields.Books.Select(f => f.Name).Order());
        Assert.Equal(
            typeof(OpenOrder).GetProperties().Select(p => p.Name).Append("OrderId").Order(),
            StateFields.Orders.Select(f => f.Name).Order());
    }

    [Fact]
    public void Changing_a_hashed_field_changes_the_hash_and_changing_a_stored_field_changes_the_snapshot()
    {
        Engine e = SnapshotTests.Busy();
        EngineState s = e.State;
        int slot = Enumerable.Range(0, s.Positions.Capacity).First(i => s.Positions.Status[i] == PositionStatus.Open);
        int free = Enumerable.Range(0, s.Positions.Capacity).First(i => s.Positions.Status[i] == PositionStatus.Free);
        var checkedFields = new List<string>();

        void Check(string name, FieldUse use, Action change, Action undo)
        {
            ulong hash = StateHasher.Compute(s);
            byte[] body = EngineSnapshot.Serialize(s, 41)[..^12];
            change();
            Assert.True(((use & FieldUse.Hashed) != 0) == (StateHasher.Compute(s) != hash), $"{name}: hashed is {use}");
            Assert.True(((use & FieldUse.Stored) != 0) == !body.AsSpan().SequenceEqual(EngineSnapshot.Serialize(s, 41).AsSpan()[..^12]), $"{name}: stored is {use}");
            undo();
            Assert.Equal(hash, StateHasher.Compute(s));
            checkedFields.Add(name);
        }

        foreach (SlotField f in StateFields.Slots.Where(f => f.Set is not null && f.Name != "Status"))
        {
            int i = StateFields.Applies(f, PositionStatus.Open) ? slot : free;
            long old = f.Get(s, i);
            long changed = f.Name == "AccountIx" ? (old + 1) % s.Accounts.Count : old + 1;
            Check(f.Name, f.Use & (StateFields.Applies(f, PositionStatus.Open) ? FieldUse.Stored | FieldUse.Hashed : FieldUse.Stored), () => f.Set!(s, i, changed), () => f.Set!(s, i, old));
        }

        foreach (AccountField f in StateFields.Accounts.Where(f => f.Set is not null))
        {
            long old = f.Get(s.Accounts, 3, 0);
            Check(f.Name, f.Use, () => f.Set!(s.Accounts, 3, 0, old + 1), () => f.Set!(s.Accounts, 3, 0, old));
        }

        foreach (BookField f in StateFields.Books)
        {
            if (f.Wide is not null)
            {
                Int128[] arr = f.Wide(s);
                Check(f.Name, f.Use, () => arr[0] += 1, () => arr[0] -= 1);
            }
            else
            {
                long[] arr = f.Narrow!(s);
                Check(f.Name, f.Use, () => arr[0] += 1, () => arr[0] -= 1);
            }
        }

        KeyValuePair<long, OpenOrder> order = s.OpenOrders.First();
        foreach (OrderField f in StateFields.Orders.Where(f => f.With is not null))
        {
            long old = f.Get(order.Key, order.Value);
            Check(f.Name, f.Use, () => s.OpenOrders[order.Key] = f.With!(order.Value, old + 1), () => s.OpenOrders[order.Key] = order.Value);
        }

        Assert.Equal(StateFields.Slots.Count - 2 + StateFields.Accounts.Count - 1 + StateFields.Books.Count + StateFields.Orders.Count - 1, checkedFields.Count);
    }

    private static IEnumerable<string> ArraysOf(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType.IsArray).Select(p => p.Name);
}

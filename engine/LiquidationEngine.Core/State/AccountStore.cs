namespace LiquidationEngine.State;

/// <summary>Main (cross) balances per settlement asset, by dense account index. Owned by the writer thread.</summary>
/// <remarks>The liquidation path never reads or writes these arrays; only the documented transfers do
/// (deposit, withdraw, open, increase, add/remove margin, leverage top-up, full close). Cross usage is set only by the
/// cross engine's reports; transfers out of main check against main − usage.</remarks>
public sealed class AccountStore
{
    private readonly Dictionary<long, int> _indexById;
    private long[] _ids;
    private long[] _main;
    private long[] _crossUsage; // ≥ 0, set only by CrossUsage reports; the engine never changes it itself
    private int[] _head;

    /// <summary>Creates a store for <paramref name="assetCount"/> settlement assets.</summary>
    public AccountStore(int assetCount, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(assetCount, 1);
        AssetCount = assetCount;
        capacity = Math.Max(capacity, 16);
        _indexById = new Dictionary<long, int>(capacity);
        _ids = new long[capacity];
        _main = new long[capacity * assetCount];
        _crossUsage = new long[capacity * assetCount];
        _head = new int[capacity];
    }

    /// <summary>Number of settlement assets.</summary>
    public int AssetCount { get; }

    /// <summary>Accounts seen so far.</summary>
    public int Count { get; private set; }

    /// <summary>External account id of a dense index.</summary>
    public long IdOf(int ix) => _ids[ix];

    /// <summary>Dense index of an account id, or -1.</summary>
    public int Find(long accountId) => _indexById.TryGetValue(accountId, out int ix) ? ix : -1;

    /// <summary>Dense index of an account id, creating the account if new.</summary>
    public int GetOrAdd(long accountId)
    {
        if (_indexById.TryGetValue(accountId, out int ix))
        {
            return ix;
        }

        if (Count == _ids.Length)
        {
            int capacity = checked(_ids.Length * 2);
            Array.Resize(ref _ids, capacity);
            Array.Resize(ref _main, capacity * AssetCount);
            Array.Resize(ref _crossUsage, capacity * AssetCount);
            Array.Resize(ref _head, capacity);
        }

        ix = Count++;
        _ids[ix] = accountId;
        _head[ix] = PositionStore.Nil;
        _indexById.Add(accountId, ix);
        return ix;
    }

    /// <summary>Main balance, raw money, of an account in an asset.</summary>
    public ref long Main(int ix, int asset) => ref _main[(ix * AssetCount) + asset];

    /// <summary>Margin the account's cross positions and orders use in an asset, as last reported by the cross engine.</summary>
    public ref long CrossUsage(int ix, int asset) => ref _crossUsage[(ix * AssetCount) + asset];

    /// <summary>What isolated margin may draw on: main balance − cross usage (negative when the cross side uses more).</summary>
    public long Available(int ix, int asset) => _main[(ix * AssetCount) + asset] - _crossUsage[(ix * AssetCount) + asset];

    /// <summary>Head of the account's position chain in <see cref="PositionStore"/>.</summary>
    public ref int PositionHead(int ix) => ref _head[ix];
}

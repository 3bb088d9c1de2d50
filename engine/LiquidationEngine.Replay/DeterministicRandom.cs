namespace LiquidationEngine.Replay;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64) whose sequence depends on nothing but the
/// seed: not on the runtime version, the machine or the process. Integer results only, so everything built from it
/// (generated books, scenario mark paths) is bit-for-bit reproducible.
/// </summary>
/// <remarks>Not cryptographic. Not thread-safe: one instance per generating thread.</remarks>
public sealed class DeterministicRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public DeterministicRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's method).</summary>
    public long NextLong(long bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        ulong range = (ulong)bound;
        UInt128 m = (UInt128)NextUInt64() * range;
        ulong low = (ulong)m;
        if (low < range)
        {
            ulong threshold = (0 - range) % range;
            while (low < threshold)
            {
                m = (UInt128)NextUInt64() * range;
                low = (ulong)m;
            }
        }

        return (long)(m >> 64);
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="max"/>], both inclusive.</summary>
    public long NextLong(long min, long max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        return min + NextLong(checked(max - min + 1));
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="max"/>], both inclusive.</summary>
    public int NextInt(int min, int max) => (int)NextLong(min, max);

    /// <summary>True with probability <paramref name="numerator"/>/<paramref name="denominator"/>.</summary>
    public bool Chance(long numerator, long denominator) => NextLong(denominator) < numerator;

    /// <summary>Picks an index with probability proportional to its (non-negative, integer) weight.</summary>
    public int PickWeighted(ReadOnlySpan<int> weights)
    {
        long total = 0;
        foreach (int w in weights)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(w);
            total += w;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        long r = NextLong(total);
        for (int i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>An approximately normal integer with mean 0 and standard deviation about <paramref name="sigma"/>
    /// (the centred sum of four uniforms: Irwin–Hall), in integer arithmetic.</summary>
    public long NextNormalish(long sigma)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sigma);
        if (sigma == 0)
        {
            return 0;
        }

        // Each U(−a, a) has variance a²/3; four of them sum to variance 4a²/3 = sigma² when a = sigma·√3/2 ≈ sigma·0.866.
        long a = Math.Max(1, sigma * 866 / 1000);
        long sum = 0;
        for (int i = 0; i < 4; i++)
        {
            sum += NextLong(-a, a);
        }

        return sum;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}

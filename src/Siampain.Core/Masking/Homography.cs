using System.Numerics;

namespace Siampain.Masking;

/// <summary>A 3x3 projective transform (h22 = 1), fitted by least squares to four or more point pairs.</summary>
public readonly struct Homography
{
    private readonly double[] _h;

    private Homography(double[] h) => _h = h;

    public Vector2 Apply(Vector2 p)
    {
        var w = (_h[6] * p.X) + (_h[7] * p.Y) + 1;
        return new Vector2((float)(((_h[0] * p.X) + (_h[1] * p.Y) + _h[2]) / w), (float)(((_h[3] * p.X) + (_h[4] * p.Y) + _h[5]) / w));
    }

    public Homography Inverse()
    {
        var m = new double[9];
        Array.Copy(_h, m, 8);
        m[8] = 1;
        var c00 = (m[4] * m[8]) - (m[5] * m[7]);
        var c01 = (m[5] * m[6]) - (m[3] * m[8]);
        var c02 = (m[3] * m[7]) - (m[4] * m[6]);
        var determinant = (m[0] * c00) + (m[1] * c01) + (m[2] * c02);
        var inv = new[]
        {
            c00, (m[2] * m[7]) - (m[1] * m[8]), (m[1] * m[5]) - (m[2] * m[4]),
            c01, (m[0] * m[8]) - (m[2] * m[6]), (m[2] * m[3]) - (m[0] * m[5]),
            c02, (m[1] * m[6]) - (m[0] * m[7]), (m[0] * m[4]) - (m[1] * m[3]),
        };
        var scale = inv[8];
        return new Homography([.. inv.Take(8).Select(v => v / scale)]);
    }

    /// <summary>
    /// Direct linear transform on Hartley-normalised points (centred, mean distance sqrt 2): with raw pixel
    /// coordinates in the thousands the normal equations lose every significant digit.
    /// </summary>
    public static Homography Fit(ReadOnlySpan<Vector2> from, ReadOnlySpan<Vector2> to)
    {
        if (from.Length != to.Length || from.Length < 4)
        {
            throw new ArgumentException("A homography needs at least four point pairs.");
        }

        var (fromCentre, fromScale) = Normaliser(from);
        var (toCentre, toScale) = Normaliser(to);
        var normal = new double[8, 9];
        Span<double> row = stackalloc double[9];
        for (var i = 0; i < from.Length; i++)
        {
            double x = (from[i].X - fromCentre.X) * fromScale, y = (from[i].Y - fromCentre.Y) * fromScale;
            double u = (to[i].X - toCentre.X) * toScale, v = (to[i].Y - toCentre.Y) * toScale;
            Accumulate(normal, [x, y, 1, 0, 0, 0, -u * x, -u * y, u], row);
            Accumulate(normal, [0, 0, 0, x, y, 1, -v * x, -v * y, v], row);
        }

        var n = Solve(normal);

        // H = Denormalise(to) * N * Normalise(from), written out for the 3x3 case.
        double[] normalised = [n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], 1];
        double[] normaliseFrom = [fromScale, 0, -fromScale * fromCentre.X, 0, fromScale, -fromScale * fromCentre.Y, 0, 0, 1];
        double[] denormaliseTo = [1 / toScale, 0, toCentre.X, 0, 1 / toScale, toCentre.Y, 0, 0, 1];
        var h = Multiply(denormaliseTo, Multiply(normalised, normaliseFrom));
        return new Homography([.. h.Take(8).Select(value => value / h[8])]);
    }

    private static (Vector2 Centre, double Scale) Normaliser(ReadOnlySpan<Vector2> points)
    {
        var centre = Vector2.Zero;
        foreach (var p in points)
        {
            centre += p;
        }

        centre /= points.Length;
        double distance = 0;
        foreach (var p in points)
        {
            distance += Vector2.Distance(p, centre);
        }

        distance /= points.Length;
        return (centre, distance < 1e-9 ? 1 : Math.Sqrt(2) / distance);
    }

    private static double[] Multiply(double[] a, double[] b)
    {
        var c = new double[9];
        for (var r = 0; r < 3; r++)
        {
            for (var k = 0; k < 3; k++)
            {
                c[(r * 3) + k] = (a[r * 3] * b[k]) + (a[(r * 3) + 1] * b[3 + k]) + (a[(r * 3) + 2] * b[6 + k]);
            }
        }

        return c;
    }

    private static void Accumulate(double[,] normal, ReadOnlySpan<double> equation, Span<double> scratch)
    {
        equation.CopyTo(scratch);
        for (var r = 0; r < 8; r++)
        {
            for (var c = 0; c < 9; c++)
            {
                normal[r, c] += scratch[r] * scratch[c];
            }
        }
    }

    private static double[] Solve(double[,] a)
    {
        const int n = 8;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            if (Math.Abs(a[pivot, col]) < 1e-12)
            {
                throw new ArgumentException("The points are degenerate (collinear); no homography fits them.");
            }

            for (var c = 0; c <= n; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            }

            for (var r = 0; r < n; r++)
            {
                if (r == col)
                {
                    continue;
                }

                var factor = a[r, col] / a[col, col];
                for (var c = col; c <= n; c++)
                {
                    a[r, c] -= factor * a[col, c];
                }
            }
        }

        var h = new double[8];
        for (var r = 0; r < n; r++)
        {
            h[r] = a[r, n] / a[r, r];
        }

        return h;
    }
}

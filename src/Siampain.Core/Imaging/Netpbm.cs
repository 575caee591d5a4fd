using System.Text;

namespace Siampain.Imaging;

/// <summary>Binary PGM (P5) and PPM (P6): the ORL face set ships as PGM, which stb_image does not read.</summary>
internal static class Netpbm
{
    public static bool IsNetpbm(ReadOnlySpan<byte> bytes) =>
        bytes.Length > 2 && bytes[0] == (byte)'P' && (bytes[1] == (byte)'5' || bytes[1] == (byte)'6');

    public static RgbImage Decode(byte[] bytes, string nameForErrors)
    {
        var channels = bytes[1] == (byte)'5' ? 1 : 3;
        var position = 2;
        var width = ReadHeaderNumber(bytes, ref position, nameForErrors);
        var height = ReadHeaderNumber(bytes, ref position, nameForErrors);
        var maxValue = ReadHeaderNumber(bytes, ref position, nameForErrors);
        if (maxValue is <= 0 or > 255)
        {
            throw new InvalidImageException(nameForErrors, $"uses {maxValue} as maximum sample value; only 8-bit Netpbm is supported");
        }

        position++; // the single whitespace byte after the header
        var needed = (long)width * height * channels;
        if (width <= 0 || height <= 0 || bytes.Length - position < needed)
        {
            throw new InvalidImageException(nameForErrors, "is a truncated Netpbm image");
        }

        var image = new RgbImage(width, height);
        var source = bytes.AsSpan(position, (int)needed);
        if (channels == 3)
        {
            source.CopyTo(image.Pixels);
        }
        else
        {
            var target = image.Pixels.AsSpan();
            for (var i = 0; i < source.Length; i++)
            {
                var value = (byte)(source[i] * 255 / maxValue);
                target[3 * i] = value;
                target[(3 * i) + 1] = value;
                target[(3 * i) + 2] = value;
            }
        }

        return image;
    }

    private static int ReadHeaderNumber(byte[] bytes, ref int position, string nameForErrors)
    {
        while (position < bytes.Length)
        {
            if (bytes[position] == (byte)'#')
            {
                while (position < bytes.Length && bytes[position] != (byte)'\n')
                {
                    position++;
                }
            }
            else if (char.IsWhiteSpace((char)bytes[position]))
            {
                position++;
            }
            else
            {
                break;
            }
        }

        var start = position;
        while (position < bytes.Length && bytes[position] is >= (byte)'0' and <= (byte)'9')
        {
            position++;
        }

        if (position == start)
        {
            throw new InvalidImageException(nameForErrors, "has a malformed Netpbm header");
        }

        return int.Parse(Encoding.ASCII.GetString(bytes, start, position - start), System.Globalization.CultureInfo.InvariantCulture);
    }
}

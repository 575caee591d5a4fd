using Siampain.Detection;

namespace Siampain.Pipeline;

/// <summary>
/// Associates each frame's faces with the tracks of earlier frames by box overlap, greedily from the best
/// overlap down. At a door there are few faces and they move little between frames, so nothing heavier
/// (motion models, appearance features) is needed.
/// </summary>
internal sealed class FaceTracker
{
    private const float MinOverlap = 0.2f;

    private readonly List<FaceTrack> _tracks = [];
    private readonly List<(float Overlap, int Face, int Track)> _pairs = [];
    private long _nextId = 1;

    public int Count => _tracks.Count;

    /// <summary>Fills <paramref name="assigned"/> with the track of each face (new tracks for new faces).</summary>
    public void Update(List<DetectedFace> faces, DateTimeOffset at, List<FaceTrack> assigned)
    {
        assigned.Clear();
        _pairs.Clear();
        for (var f = 0; f < faces.Count; f++)
        {
            assigned.Add(null!);
            for (var t = 0; t < _tracks.Count; t++)
            {
                var overlap = faces[f].Box.IntersectionOverUnion(_tracks[t].Face.Box);
                if (overlap >= MinOverlap)
                {
                    _pairs.Add((overlap, f, t));
                }
            }
        }

        _pairs.Sort(static (a, b) => b.Overlap.CompareTo(a.Overlap));
        Span<bool> trackTaken = _tracks.Count <= 64 ? stackalloc bool[_tracks.Count] : new bool[_tracks.Count];
        foreach (var (_, f, t) in _pairs)
        {
            if (assigned[f] is not null || trackTaken[t])
            {
                continue;
            }

            trackTaken[t] = true;
            assigned[f] = _tracks[t];
            _tracks[t].Face = faces[f];
            _tracks[t].LastSeenAt = at;
        }

        for (var f = 0; f < faces.Count; f++)
        {
            if (assigned[f] is null)
            {
                var track = new FaceTrack(_nextId++, faces[f], at);
                _tracks.Add(track);
                assigned[f] = track;
            }
        }
    }

    /// <summary>Forgets tracks whose face has been gone longer than <paramref name="timeout"/>.</summary>
    public void Expire(DateTimeOffset now, TimeSpan timeout) => _tracks.RemoveAll(t => now - t.LastSeenAt > timeout);
}

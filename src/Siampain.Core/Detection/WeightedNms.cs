namespace Siampain.Detection;

/// <summary>
/// MediaPipe's weighted non-maximum suppression: overlapping candidates are merged into their score-weighted
/// mean (box and keypoints) with the group's best score, which is steadier frame to frame than plain NMS.
/// </summary>
internal static class WeightedNms
{
    /// <summary>Merges <paramref name="candidates"/> (sorted in place by score) into <paramref name="result"/>.</summary>
    public static void Merge(List<DetectedFace> candidates, float iouThreshold, List<DetectedFace> result)
    {
        result.Clear();
        candidates.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        Span<bool> used = candidates.Count <= 512 ? stackalloc bool[candidates.Count] : new bool[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            if (used[i])
            {
                continue;
            }

            var best = candidates[i];
            float totalWeight = 0, x = 0, y = 0, w = 0, h = 0;
            var keypoints = default(FaceKeypoints);
            for (var j = i; j < candidates.Count; j++)
            {
                if (used[j] || best.Box.IntersectionOverUnion(candidates[j].Box) <= iouThreshold)
                {
                    continue;
                }

                used[j] = true;
                var c = candidates[j];
                var weight = c.Score;
                totalWeight += weight;
                x += c.Box.X * weight;
                y += c.Box.Y * weight;
                w += c.Box.Width * weight;
                h += c.Box.Height * weight;
                for (var k = 0; k < FaceKeypoints.Count; k++)
                {
                    keypoints[k] += c.Keypoints[k] * weight;
                }
            }

            var inverse = 1f / totalWeight;
            for (var k = 0; k < FaceKeypoints.Count; k++)
            {
                keypoints[k] *= inverse;
            }

            result.Add(new DetectedFace(new FaceBox(x * inverse, y * inverse, w * inverse, h * inverse), best.Score, keypoints));
        }
    }
}

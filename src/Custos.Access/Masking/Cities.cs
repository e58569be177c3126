namespace Custos.Access.Masking;

/// <summary>
/// Cities that precise coordinates are reduced to by the "city" mask: the nearest one wins.
/// A city is coarse enough to say where someone lives without saying where they are.
/// </summary>
public static class Cities
{
    public sealed record City(string Name, string Country, double Latitude, double Longitude);

    public static IReadOnlyList<City> All { get; } =
    [
        new("New York", "US", 40.7128, -74.0060), new("Boston", "US", 42.3601, -71.0589),
        new("Washington", "US", 38.9072, -77.0369), new("Chicago", "US", 41.8781, -87.6298),
        new("Austin", "US", 30.2672, -97.7431), new("Denver", "US", 39.7392, -104.9903),
        new("Seattle", "US", 47.6062, -122.3321), new("San Francisco", "US", 37.7749, -122.4194),
        new("Los Angeles", "US", 34.0522, -118.2437), new("Miami", "US", 25.7617, -80.1918),
        new("Dublin", "IE", 53.3498, -6.2603), new("Cork", "IE", 51.8985, -8.4756), new("Galway", "IE", 53.2707, -9.0568),
        new("Berlin", "DE", 52.5200, 13.4050), new("Hamburg", "DE", 53.5511, 9.9937),
        new("Munich", "DE", 48.1351, 11.5820), new("Frankfurt", "DE", 50.1109, 8.6821),
        new("Paris", "FR", 48.8566, 2.3522), new("Lyon", "FR", 45.7640, 4.8357), new("Marseille", "FR", 43.2965, 5.3698),
        new("Amsterdam", "NL", 52.3676, 4.9041), new("Rotterdam", "NL", 51.9244, 4.4777), new("Utrecht", "NL", 52.0907, 5.1214),
        new("London", "GB", 51.5074, -0.1278), new("Madrid", "ES", 40.4168, -3.7038), new("Rome", "IT", 41.9028, 12.4964),
        new("São Paulo", "BR", -23.5505, -46.6333), new("Rio de Janeiro", "BR", -22.9068, -43.1729),
        new("Mumbai", "IN", 19.0760, 72.8777), new("Delhi", "IN", 28.7041, 77.1025), new("Bengaluru", "IN", 12.9716, 77.5946),
        new("Tokyo", "JP", 35.6762, 139.6503), new("Osaka", "JP", 34.6937, 135.5023),
        new("Mexico City", "MX", 19.4326, -99.1332), new("Guadalajara", "MX", 20.6597, -103.3496),
        new("Beijing", "CN", 39.9042, 116.4074), new("Shanghai", "CN", 31.2304, 121.4737), new("Shenzhen", "CN", 22.5431, 114.0579),
        new("Sydney", "AU", -33.8688, 151.2093), new("Toronto", "CA", 43.6532, -79.3832), new("Lagos", "NG", 6.5244, 3.3792),
    ];

    /// <summary>The city nearest to a point (great-circle distance).</summary>
    public static City Nearest(double latitude, double longitude) =>
        All.MinBy(city => Distance(latitude, longitude, city.Latitude, city.Longitude))!;

    private static double Distance(double lat1, double lon1, double lat2, double lon2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(lat2 - lat1);
        var dLon = Radians(lon2 - lon1);
        var a = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * Math.Asin(Math.Sqrt(a));
    }
}

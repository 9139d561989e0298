using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Web;

namespace Matomo.Mvc5.Sample.Models
{
    /// <summary>One line of a cart or an order.</summary>
    public sealed class ShopLine
    {
        public ShopLine(ShopProduct product, int quantity)
        {
            Product = product;
            Quantity = quantity;
        }

        public ShopProduct Product { get; }
        public int Quantity { get; }
        public decimal Total => Product.Price * Quantity;
    }

    /// <summary>
    /// The visitor's cart, kept in a cookie (the Sample has no session state): <c>SKU-42*2.SKU-7*1</c>. Only SKUs of
    /// the catalogue and quantities from 1 to 99 are read back; anything else in the cookie is dropped.
    /// </summary>
    public sealed class ShopCart
    {
        private const string CookieName = "sample-cart";
        public const int MaxQuantity = 99;

        private ShopCart(List<ShopLine> lines) { Lines = lines; }

        public List<ShopLine> Lines { get; }
        public decimal Total => Lines.Sum(l => l.Total);

        public static ShopCart Read(HttpRequestBase request)
        {
            var lines = new List<ShopLine>();
            foreach (string entry in (request.Cookies[CookieName]?.Value ?? "").Split('.'))
            {
                string[] parts = entry.Split('*');
                ShopProduct product = parts.Length == 2 ? ShopCatalog.Find(parts[0]) : null;
                if (product != null && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int quantity)
                    && quantity >= 1 && quantity <= MaxQuantity && lines.All(l => l.Product != product))
                    lines.Add(new ShopLine(product, quantity));
            }
            return new ShopCart(lines);
        }

        /// <summary>Sets the quantity of <paramref name="product"/> (0 removes it).</summary>
        public void Set(ShopProduct product, int quantity)
        {
            int at = Lines.FindIndex(l => l.Product == product);
            if (at >= 0) Lines.RemoveAt(at);
            if (quantity > 0) Lines.Insert(at >= 0 ? at : Lines.Count, new ShopLine(product, Math.Min(quantity, MaxQuantity)));
        }

        public void Write(HttpResponseBase response)
        {
            string value = string.Join(".", Lines.Select(l => l.Product.Sku + "*" + l.Quantity.ToString(CultureInfo.InvariantCulture)));
            response.Cookies.Add(new HttpCookie(CookieName, value) { HttpOnly = true, Path = "/", Expires = value.Length == 0 ? DateTime.UtcNow.AddDays(-1) : DateTime.MinValue });
        }
    }

    /// <summary>
    /// A placed order: kept in memory for its confirmation page. An order paid with the payment provider keeps the
    /// visitor's Matomo id, so that the provider's webhook (a request without the visitor's cookies) can track the
    /// order on the visit of the browser that placed it.
    /// </summary>
    public sealed class ShopOrder
    {
        public const decimal Shipping = 5.00m;

        public ShopOrder(string id, IReadOnlyList<ShopLine> lines, string visitorId = null, bool paidWithProvider = false)
        {
            Id = id;
            Lines = lines;
            VisitorId = visitorId;
            PaidWithProvider = paidWithProvider;
        }

        public string Id { get; }
        public IReadOnlyList<ShopLine> Lines { get; }
        /// <summary>The visitor's Matomo id when the order was placed (<c>MatomoTracker.VisitorId</c>), or null.</summary>
        public string VisitorId { get; }
        /// <summary>Paid with the (simulated) payment provider: its webhook confirms the order, and tracks it.</summary>
        public bool PaidWithProvider { get; }
        /// <summary>Whether the provider's webhook confirmed the payment.</summary>
        public bool Confirmed { get; set; }
        public decimal SubTotal => Lines.Sum(l => l.Total);
        public decimal GrandTotal => SubTotal + Shipping;

        /// <summary>The order's lines as Matomo's ecommerce items: the same for the page and for the webhook.</summary>
        public IEnumerable<MatomoEcommerceItem> Items =>
            Lines.Select(l => new MatomoEcommerceItem(l.Product.Sku, l.Product.Name, l.Product.Category, l.Product.Price, l.Quantity));
    }
}

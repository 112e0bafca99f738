/// Domains anyone can have an address at: an investor's `email_domains` naming one of these
/// never makes every address there the investor's (a contact's own address still matches).
public enum FreeMailDomains {
    public static let all: Set<String> = [
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "live.com",
        "live.co.uk", "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com", "rocketmail.com",
        "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.de",
        "gmx.net", "gmx.ch", "web.de", "t-online.de", "freenet.de", "mail.com", "email.com", "zoho.com",
        "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com", "126.com", "sina.com", "naver.com",
        "hanmail.net", "fastmail.com", "fastmail.fm", "hey.com", "tutanota.com", "tuta.io", "orange.fr",
        "wanadoo.fr", "free.fr", "laposte.net", "libero.it", "virgilio.it", "bluewin.ch", "btinternet.com",
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "cox.net", "rediffmail.com", "seznam.cz",
        "wp.pl", "o2.pl", "interia.pl", "outlook.de", "outlook.fr",
    ]
}

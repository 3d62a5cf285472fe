<?xml version="1.0" encoding="UTF-8"?>
<!--
  thuvien's OAI-PMH responses as a page a person can read (the xml-stylesheet instruction
  in every /oai response names this file; harvesters ignore it). XSLT 1.0, no scripts:
  a title, a bilingual heading, links to every verb, tables of records and sets, the
  next page of a list. Catalogue text that looks Vietnamese is marked lang="vi".
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:oai="http://www.openarchives.org/OAI/2.0/"
    xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:marc="http://www.loc.gov/MARC21/slim"
    exclude-result-prefixes="oai oai_dc dc marc">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:param name="home" select="'/'"/>  <!-- the portal's home page, given by portal/oai.py -->
  <xsl:variable name="base" select="/oai:OAI-PMH/oai:request"/>
  <xsl:variable name="verb" select="/oai:OAI-PMH/oai:request/@verb"/>
  <xsl:variable name="prefix">
    <xsl:choose>
      <xsl:when test="/oai:OAI-PMH/oai:request/@metadataPrefix">
        <xsl:value-of select="/oai:OAI-PMH/oai:request/@metadataPrefix"/>
      </xsl:when>
      <xsl:otherwise>oai_dc</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <!-- Letters only Vietnamese uses among the Latin scripts a catalogue holds. -->
  <xsl:variable name="vi-letters"
      select="'ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĂÂĐÊÔƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ'"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>
          <xsl:value-of select="$verb"/>
          <xsl:if test="not($verb)">OAI-PMH</xsl:if>
          <xsl:text> – OAI-PMH – thuvien</xsl:text>
        </title>
        <style>
          body { font: 1rem/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }
          header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
          h1 { font-size: 1.5rem; margin: 1rem 0 0; }
          h1 span[lang] { display: block; font-size: 1rem; font-weight: normal; }
          h2 { font-size: 1.25rem; margin-top: 1.5rem; }
          a { color: #0b4f9c; }
          a:focus-visible { outline: 3px solid #0b4f9c; outline-offset: 2px; }
          nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
          nav a { display: inline-block; min-height: 24px; padding: .25rem 0; }
          table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
          th, td { text-align: left; vertical-align: top; padding: .4rem; border-bottom: 1px solid #ccc; }
          td, th, dd, code { overflow-wrap: anywhere; }
          dt { font-weight: bold; }
          dd { margin: 0 0 .5rem 1rem; }
          .error { border-left: 4px solid #b00020; padding-left: .75rem; }
          .next { font-size: 1.1rem; }
          .next a { display: inline-block; min-height: 24px; }
        </style>
      </head>
      <body>
        <header>
          <h1>
            <xsl:text>OAI-PMH: </xsl:text>
            <xsl:value-of select="$verb"/>
            <xsl:if test="not($verb)">error</xsl:if>
            <span lang="vi">Giao thức thu thập siêu dữ liệu OAI-PMH của thuvien</span>
          </h1>
          <nav aria-label="OAI-PMH requests">
            <ul>
              <li><a href="{$base}?verb=Identify">Identify</a></li>
              <li><a href="{$base}?verb=ListMetadataFormats">ListMetadataFormats</a></li>
              <li><a href="{$base}?verb=ListSets">ListSets</a></li>
              <li><a href="{$base}?verb=ListIdentifiers&amp;metadataPrefix=oai_dc">ListIdentifiers</a></li>
              <li><a href="{$base}?verb=ListRecords&amp;metadataPrefix=oai_dc">ListRecords</a></li>
            </ul>
          </nav>
        </header>
        <main>
          <p>
            <xsl:text>This is a machine interface for harvesters (OAI-PMH 2.0), shown here as a page. Response date: </xsl:text>
            <time><xsl:value-of select="oai:OAI-PMH/oai:responseDate"/></time>
            <xsl:text>.</xsl:text>
          </p>
          <xsl:apply-templates select="oai:OAI-PMH/oai:error"/>
          <xsl:apply-templates select="oai:OAI-PMH/*[not(self::oai:responseDate or self::oai:request or self::oai:error)]"/>
        </main>
        <footer>
          <p><a href="{$home}">thuvien home page</a></p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- errors -->
  <xsl:template match="oai:error">
    <div class="error">
      <h2>Error: <code><xsl:value-of select="@code"/></code></h2>
      <p><xsl:value-of select="."/></p>
    </div>
  </xsl:template>

  <!-- Identify -->
  <xsl:template match="oai:Identify">
    <h2>About this repository</h2>
    <dl>
      <xsl:for-each select="oai:*[not(self::oai:description)]">
        <dt><xsl:value-of select="local-name()"/></dt>
        <dd><xsl:value-of select="."/></dd>
      </xsl:for-each>
      <xsl:for-each select="oai:description//dc:*">
        <dt><xsl:value-of select="local-name()"/></dt>
        <dd><xsl:call-template name="text"/></dd>
      </xsl:for-each>
    </dl>
  </xsl:template>

  <!-- ListMetadataFormats -->
  <xsl:template match="oai:ListMetadataFormats">
    <h2>Metadata formats</h2>
    <table>
      <thead><tr><th scope="col">Prefix</th><th scope="col">Schema</th></tr></thead>
      <tbody>
        <xsl:for-each select="oai:metadataFormat">
          <tr>
            <th scope="row">
              <a href="{$base}?verb=ListRecords&amp;metadataPrefix={oai:metadataPrefix}">
                <xsl:value-of select="oai:metadataPrefix"/>
              </a>
            </th>
            <td><xsl:value-of select="oai:schema"/></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>

  <!-- ListSets -->
  <xsl:template match="oai:ListSets">
    <h2>Sets</h2>
    <table>
      <thead><tr><th scope="col">Set</th><th scope="col">Name</th></tr></thead>
      <tbody>
        <xsl:for-each select="oai:set">
          <tr>
            <th scope="row">
              <a href="{$base}?verb=ListIdentifiers&amp;metadataPrefix=oai_dc&amp;set={oai:setSpec}">
                <xsl:value-of select="oai:setSpec"/>
              </a>
            </th>
            <td><xsl:for-each select="oai:setName"><xsl:call-template name="text"/></xsl:for-each></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
    <xsl:apply-templates select="oai:resumptionToken"/>
  </xsl:template>

  <!-- ListIdentifiers and ListRecords -->
  <xsl:template match="oai:ListIdentifiers | oai:ListRecords">
    <h2>Records</h2>
    <xsl:apply-templates select="oai:resumptionToken" mode="count"/>
    <table>
      <thead>
        <tr>
          <th scope="col">Identifier</th>
          <xsl:if test="self::oai:ListRecords"><th scope="col">Title</th></xsl:if>
          <th scope="col">Last changed</th>
          <th scope="col">Sets</th>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="oai:header | oai:record">
          <xsl:variable name="header" select="self::oai:header | oai:header"/>
          <tr>
            <th scope="row"><xsl:apply-templates select="$header" mode="link"/></th>
            <xsl:if test="self::oai:record">
              <td><xsl:apply-templates select="oai:metadata" mode="title"/></td>
            </xsl:if>
            <td><xsl:value-of select="$header/oai:datestamp"/></td>
            <td>
              <xsl:for-each select="$header/oai:setSpec">
                <xsl:value-of select="."/>
                <xsl:if test="position() != last()"><xsl:text>, </xsl:text></xsl:if>
              </xsl:for-each>
            </td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
    <xsl:apply-templates select="oai:resumptionToken"/>
  </xsl:template>

  <xsl:template match="oai:header" mode="link">
    <a>
      <xsl:attribute name="href">
        <xsl:value-of select="$base"/>
        <xsl:text>?verb=GetRecord&amp;metadataPrefix=</xsl:text>
        <xsl:value-of select="$prefix"/>
        <xsl:text>&amp;identifier=</xsl:text>
        <xsl:call-template name="encode">
          <xsl:with-param name="text" select="oai:identifier"/>
        </xsl:call-template>
      </xsl:attribute>
      <xsl:value-of select="oai:identifier"/>
    </a>
    <xsl:if test="@status = 'deleted'"> (deleted)</xsl:if>
  </xsl:template>

  <xsl:template match="oai:metadata" mode="title">
    <xsl:for-each select="(.//dc:title | .//marc:datafield[@tag = '245']/marc:subfield[@code = 'a'])[1]">
      <xsl:call-template name="text"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="oai:resumptionToken" mode="count">
    <xsl:if test="@completeListSize">
      <p>
        <xsl:text>Items </xsl:text>
        <xsl:value-of select="@cursor + 1"/>
        <xsl:text>–</xsl:text>
        <xsl:value-of select="@cursor + count(../oai:header | ../oai:record)"/>
        <xsl:text> of </xsl:text>
        <xsl:value-of select="@completeListSize"/>
        <xsl:text>.</xsl:text>
      </p>
    </xsl:if>
  </xsl:template>

  <xsl:template match="oai:resumptionToken">
    <xsl:if test="string(.)">
      <p class="next">
        <a href="{$base}?verb={local-name(..)}&amp;resumptionToken={.}">Next page</a>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- GetRecord -->
  <xsl:template match="oai:GetRecord">
    <xsl:for-each select="oai:record">
      <h2><xsl:value-of select="oai:header/oai:identifier"/></h2>
      <dl>
        <dt>Last changed</dt>
        <dd><xsl:value-of select="oai:header/oai:datestamp"/></dd>
        <xsl:if test="oai:header/@status = 'deleted'">
          <dt>Status</dt>
          <dd>deleted</dd>
        </xsl:if>
        <xsl:for-each select="oai:header/oai:setSpec">
          <dt>Set</dt>
          <dd><xsl:value-of select="."/></dd>
        </xsl:for-each>
        <xsl:for-each select="oai:metadata//dc:*">
          <dt><xsl:value-of select="local-name()"/></dt>
          <dd><xsl:call-template name="text"/></dd>
        </xsl:for-each>
      </dl>
      <xsl:if test="oai:metadata/marc:record">
        <h3>MARC 21</h3>
        <table>
          <thead><tr><th scope="col">Tag</th><th scope="col">Value</th></tr></thead>
          <tbody>
            <xsl:for-each select="oai:metadata/marc:record/*">
              <tr>
                <th scope="row">
                  <xsl:value-of select="@tag"/>
                  <xsl:if test="self::marc:leader">LDR</xsl:if>
                </th>
                <td>
                  <xsl:choose>
                    <xsl:when test="marc:subfield">
                      <xsl:for-each select="marc:subfield">
                        <code>$<xsl:value-of select="@code"/></code>
                        <xsl:text> </xsl:text>
                        <xsl:call-template name="text"/>
                        <xsl:text> </xsl:text>
                      </xsl:for-each>
                    </xsl:when>
                    <xsl:otherwise><code><xsl:value-of select="."/></code></xsl:otherwise>
                  </xsl:choose>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </xsl:if>
    </xsl:for-each>
  </xsl:template>

  <!-- Catalogue text: marked Vietnamese when it holds a letter only Vietnamese uses. -->
  <xsl:template name="text">
    <xsl:choose>
      <xsl:when test="string-length(translate(., $vi-letters, '')) != string-length(.)">
        <span lang="vi"><xsl:value-of select="."/></span>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An identifier as a query value: the characters a URL query gives meaning to, escaped. -->
  <xsl:template name="encode">
    <xsl:param name="text"/>
    <xsl:if test="$text">
      <xsl:variable name="c" select="substring($text, 1, 1)"/>
      <xsl:choose>
        <xsl:when test="$c = '%'">%25</xsl:when>
        <xsl:when test="$c = '&amp;'">%26</xsl:when>
        <xsl:when test="$c = '+'">%2B</xsl:when>
        <xsl:when test="$c = '#'">%23</xsl:when>
        <xsl:when test="$c = ';'">%3B</xsl:when>
        <xsl:otherwise><xsl:value-of select="$c"/></xsl:otherwise>
      </xsl:choose>
      <xsl:call-template name="encode">
        <xsl:with-param name="text" select="substring($text, 2)"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>

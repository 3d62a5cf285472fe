<?xml version="1.0" encoding="UTF-8"?>
<!--
  thuvien's OAI-PMH responses as a page a person can read, applied on the server by
  portal/oai.py (harvesters get the XML untouched). XSLT 1.0 with EXSLT, no scripts: a
  title, a heading, links to every verb with what each gives, tables of records and
  sets, the next page of a list, and a link to the page in the other language.

  Every piece of UI text is in the page's language, the `lang` param ("vi", the
  default, or "en"): it is looked up by id in $strings below, which holds each text in
  both languages. Catalogue text is left as it came; it is marked lang="vi" on the
  English page when it reads as Vietnamese (tv:vietnamese, the portal's own test), and
  on the Vietnamese page it is not marked: a letter cannot tell English from French or a
  name, and a wrong mark is worse than none. The exception is the repository's own
  description in Identify, written in Vietnamese and English only: there the text that
  is not Vietnamese is marked English.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:exsl="http://exslt.org/common"
    xmlns:func="http://exslt.org/functions"
    xmlns:t="urn:thuvien:oai-page:strings"
    xmlns:tv="urn:thuvien:oai-page"
    xmlns:oai="http://www.openarchives.org/OAI/2.0/"
    xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:marc="http://www.loc.gov/MARC21/slim"
    extension-element-prefixes="func"
    exclude-result-prefixes="exsl func t tv oai oai_dc dc marc">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:param name="home" select="'/'"/>  <!-- the portal's home page, given by portal/oai.py -->
  <xsl:param name="lang" select="'vi'"/>  <!-- the reader's UI language: "vi" or "en" -->
  <xsl:param name="switch" select="''"/>  <!-- this page in the other language -->

  <xsl:variable name="ui">
    <xsl:choose>
      <xsl:when test="$lang = 'en'">en</xsl:when>
      <xsl:otherwise>vi</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
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
  <xsl:decimal-format name="vi" grouping-separator="." decimal-separator=","/>
  <xsl:decimal-format name="en" grouping-separator="," decimal-separator="."/>

  <!-- The page's words, one <s> per text: its id, then the text in each language. -->
  <xsl:variable name="strings-tree">
    <s id="error-title" vi="Lỗi" en="Error"/>
    <s id="error" vi="lỗi" en="error"/>
    <s id="subtitle" vi="Giao diện thu thập siêu dữ liệu của thuvien"
       en="thuvien's metadata harvesting interface"/>
    <s id="requests" vi="Các yêu cầu OAI-PMH" en="OAI-PMH requests"/>
    <s id="verb-Identify" vi="thông tin về kho dữ liệu" en="about this repository"/>
    <s id="verb-ListMetadataFormats" vi="các định dạng siêu dữ liệu được cung cấp"
       en="the metadata formats on offer"/>
    <s id="verb-ListSets" vi="các tập hợp: thư viện và bộ sưu tập"
       en="the sets: libraries and collections"/>
    <s id="verb-ListIdentifiers" vi="định danh của các bản ghi" en="the records' identifiers"/>
    <s id="verb-ListRecords" vi="các bản ghi kèm siêu dữ liệu" en="the records with their metadata"/>
    <s id="intro"
       vi="Đây là giao diện dành cho phần mềm thu thập dữ liệu (OAI-PMH 2.0), được hiển thị dưới dạng trang web để bạn tiện xem. Thời điểm phản hồi: "
       en="This is a machine interface for harvesters (OAI-PMH 2.0), shown here as a page. Response date: "/>
    <s id="home" vi="Trang chủ thuvien" en="thuvien home page"/>
    <s id="error-heading" vi="Lỗi: " en="Error: "/>
    <s id="error-details" vi="Chi tiết: " en="Details: "/>
    <s id="error-badArgument"
       vi="Yêu cầu có tham số mà lệnh này không nhận, thiếu tham số bắt buộc, hoặc lặp lại một tham số."
       en="The request has an argument this verb does not take, lacks one it needs, or repeats one."/>
    <s id="error-badResumptionToken"
       vi="Mã tiếp tục (resumptionToken) không hợp lệ hoặc đã hết hạn. Hãy mở lại danh sách từ trang đầu."
       en="The resumption token is not valid or has expired. Open the list again from its first page."/>
    <s id="error-badVerb"
       vi="Yêu cầu thiếu lệnh (verb), lặp lại lệnh, hoặc dùng một lệnh mà OAI-PMH không có. Hãy chọn một trong các yêu cầu ở trên."
       en="The request has no verb, repeats it, or names one OAI-PMH does not have. Choose one of the requests above."/>
    <s id="error-cannotDisseminateFormat"
       vi="Kho không cung cấp bản ghi theo định dạng siêu dữ liệu này."
       en="The repository does not give records in this metadata format."/>
    <s id="error-idDoesNotExist"
       vi="Không có bản ghi nào mang định danh này."
       en="No record has this identifier."/>
    <s id="error-noMetadataFormats"
       vi="Bản ghi này không có định dạng siêu dữ liệu nào."
       en="This record is available in no metadata format."/>
    <s id="error-noRecordsMatch"
       vi="Không có bản ghi nào khớp với yêu cầu (khoảng thời gian, tập hợp hoặc định dạng đã chọn)."
       en="No records match the request (its dates, set or format)."/>
    <s id="error-noSetHierarchy"
       vi="Kho này không chia bản ghi thành tập hợp."
       en="This repository does not organise its records in sets."/>
    <s id="about" vi="Thông tin về kho dữ liệu" en="About this repository"/>
    <s id="field-repositoryName" vi="Tên kho" en="Repository name"/>
    <s id="field-baseURL" vi="Địa chỉ gốc" en="Base URL"/>
    <s id="field-protocolVersion" vi="Phiên bản giao thức" en="Protocol version"/>
    <s id="field-adminEmail" vi="Email người quản trị" en="Administrator's email"/>
    <s id="field-earliestDatestamp" vi="Mốc thời gian sớm nhất" en="Earliest datestamp"/>
    <s id="field-deletedRecord" vi="Bản ghi đã xóa" en="Deleted records"/>
    <s id="field-granularity" vi="Độ chi tiết của mốc thời gian" en="Datestamp granularity"/>
    <s id="field-compression" vi="Nén dữ liệu" en="Compression"/>
    <s id="dc-title" vi="Nhan đề" en="Title"/>
    <s id="dc-creator" vi="Tác giả" en="Creator"/>
    <s id="dc-subject" vi="Chủ đề" en="Subject"/>
    <s id="dc-description" vi="Mô tả" en="Description"/>
    <s id="dc-publisher" vi="Nhà xuất bản" en="Publisher"/>
    <s id="dc-contributor" vi="Người đóng góp" en="Contributor"/>
    <s id="dc-date" vi="Thời gian" en="Date"/>
    <s id="dc-type" vi="Loại hình" en="Type"/>
    <s id="dc-format" vi="Định dạng" en="Format"/>
    <s id="dc-identifier" vi="Định danh" en="Identifier"/>
    <s id="dc-source" vi="Nguồn" en="Source"/>
    <s id="dc-language" vi="Ngôn ngữ" en="Language"/>
    <s id="dc-relation" vi="Tài liệu liên quan" en="Relation"/>
    <s id="dc-coverage" vi="Phạm vi" en="Coverage"/>
    <s id="dc-rights" vi="Bản quyền" en="Rights"/>
    <s id="formats" vi="Định dạng siêu dữ liệu" en="Metadata formats"/>
    <s id="format-prefix" vi="Mã định dạng" en="Prefix"/>
    <s id="format-schema" vi="Lược đồ" en="Schema"/>
    <s id="sets" vi="Tập hợp" en="Sets"/>
    <s id="set-spec" vi="Mã tập hợp" en="Set"/>
    <s id="set-name" vi="Tên" en="Name"/>
    <s id="records" vi="Bản ghi" en="Records"/>
    <s id="identifier" vi="Định danh" en="Identifier"/>
    <s id="title" vi="Nhan đề" en="Title"/>
    <s id="last-changed" vi="Thay đổi lần cuối" en="Last changed"/>
    <s id="record-sets" vi="Tập hợp" en="Sets"/>
    <s id="record-set" vi="Tập hợp" en="Set"/>
    <s id="deleted-mark" vi=" (đã xóa)" en=" (deleted)"/>
    <s id="status" vi="Trạng thái" en="Status"/>
    <s id="deleted" vi="đã xóa" en="deleted"/>
    <s id="count-items" vi="Bản ghi " en="Items "/>
    <s id="count-of" vi=" trên tổng số " en=" of "/>
    <s id="next-page" vi="Trang sau" en="Next page"/>
    <s id="marc-tag" vi="Nhãn trường" en="Tag"/>
    <s id="marc-value" vi="Giá trị" en="Value"/>
  </xsl:variable>
  <xsl:variable name="strings" select="exsl:node-set($strings-tree)/s"/>

  <!-- t:s('id'): the text with this id in the page's language. -->
  <func:function name="t:s">
    <xsl:param name="id"/>
    <func:result select="string($strings[@id = $id]/@*[name() = $ui])"/>
  </func:function>

  <!-- t:n(number): a count as the reader writes it (12.345 in Vietnamese, 12,345 in English). -->
  <func:function name="t:n">
    <xsl:param name="number"/>
    <xsl:choose>
      <xsl:when test="$ui = 'vi'"><func:result select="format-number($number, '#.##0', 'vi')"/></xsl:when>
      <xsl:otherwise><func:result select="format-number($number, '#,##0', 'en')"/></xsl:otherwise>
    </xsl:choose>
  </func:function>

  <xsl:template match="/">
    <html lang="{$ui}">
      <head>
        <meta charset="UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>
          <xsl:value-of select="$verb"/>
          <xsl:if test="not($verb)"><xsl:value-of select="t:s('error-title')"/></xsl:if>
          <xsl:text> – OAI-PMH – thuvien</xsl:text>
        </title>
        <style>
          body { font: 1rem/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }
          header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
          h1 { font-size: 1.5rem; margin: 1rem 0 0; }
          h1 .subtitle { display: block; font-size: 1rem; font-weight: normal; }
          h2 { font-size: 1.25rem; margin-top: 1.5rem; }
          a { color: #0b4f9c; }
          a:focus-visible { outline: 3px solid #0b4f9c; outline-offset: 2px; }
          .language { margin: .5rem 0 0; text-align: right; }
          .language a, nav a { display: inline-block; min-height: 24px; padding: .25rem 0; }
          nav ul { list-style: none; padding: 0; }
          nav li { margin: .25rem 0; }
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
          <xsl:if test="$switch">
            <p class="language">
              <xsl:choose>
                <xsl:when test="$ui = 'vi'">
                  <a href="{$switch}" lang="en" hreflang="en">English</a>
                </xsl:when>
                <xsl:otherwise>
                  <a href="{$switch}" lang="vi" hreflang="vi">Tiếng Việt</a>
                </xsl:otherwise>
              </xsl:choose>
            </p>
          </xsl:if>
          <h1>
            <xsl:text>OAI-PMH: </xsl:text>
            <xsl:value-of select="$verb"/>
            <xsl:if test="not($verb)"><xsl:value-of select="t:s('error')"/></xsl:if>
            <xsl:text> </xsl:text>
            <span class="subtitle"><xsl:value-of select="t:s('subtitle')"/></span>
          </h1>
          <nav aria-label="{t:s('requests')}">
            <ul>
              <xsl:call-template name="verb-link">
                <xsl:with-param name="name" select="'Identify'"/>
              </xsl:call-template>
              <xsl:call-template name="verb-link">
                <xsl:with-param name="name" select="'ListMetadataFormats'"/>
              </xsl:call-template>
              <xsl:call-template name="verb-link">
                <xsl:with-param name="name" select="'ListSets'"/>
              </xsl:call-template>
              <xsl:call-template name="verb-link">
                <xsl:with-param name="name" select="'ListIdentifiers'"/>
                <xsl:with-param name="query" select="'&amp;metadataPrefix=oai_dc'"/>
              </xsl:call-template>
              <xsl:call-template name="verb-link">
                <xsl:with-param name="name" select="'ListRecords'"/>
                <xsl:with-param name="query" select="'&amp;metadataPrefix=oai_dc'"/>
              </xsl:call-template>
            </ul>
          </nav>
        </header>
        <main>
          <p>
            <xsl:value-of select="t:s('intro')"/>
            <time><xsl:value-of select="oai:OAI-PMH/oai:responseDate"/></time>
            <xsl:text>.</xsl:text>
          </p>
          <xsl:apply-templates select="oai:OAI-PMH/oai:error"/>
          <xsl:apply-templates select="oai:OAI-PMH/*[not(self::oai:responseDate or self::oai:request or self::oai:error)]"/>
        </main>
        <footer>
          <p><a href="{$home}"><xsl:value-of select="t:s('home')"/></a></p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- A verb in the requests menu: its name (what a harvester asks for) and what it gives. -->
  <xsl:template name="verb-link">
    <xsl:param name="name"/>
    <xsl:param name="query" select="''"/>
    <li>
      <a href="{$base}?verb={$name}{$query}"><xsl:value-of select="$name"/></a>
      <xsl:text> – </xsl:text>
      <xsl:value-of select="t:s(concat('verb-', $name))"/>
    </li>
  </xsl:template>

  <!-- errors: what the code means in the reader's language, then the server's own words -->
  <xsl:template match="oai:error">
    <div class="error">
      <h2><xsl:value-of select="t:s('error-heading')"/><code><xsl:value-of select="@code"/></code></h2>
      <xsl:if test="t:s(concat('error-', @code))">
        <p><xsl:value-of select="t:s(concat('error-', @code))"/></p>
      </xsl:if>
      <xsl:if test="string(.)">
        <p>
          <xsl:value-of select="t:s('error-details')"/>
          <xsl:choose>
            <xsl:when test="$ui = 'en'"><xsl:value-of select="."/></xsl:when>
            <xsl:otherwise><span lang="en"><xsl:value-of select="."/></span></xsl:otherwise>
          </xsl:choose>
        </p>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- Identify -->
  <xsl:template match="oai:Identify">
    <h2><xsl:value-of select="t:s('about')"/></h2>
    <dl>
      <xsl:for-each select="oai:*[not(self::oai:description)]">
        <dt><xsl:call-template name="label"><xsl:with-param name="group" select="'field-'"/></xsl:call-template></dt>
        <dd><xsl:value-of select="."/></dd>
      </xsl:for-each>
      <xsl:for-each select="oai:description//dc:*">
        <dt><xsl:call-template name="label"><xsl:with-param name="group" select="'dc-'"/></xsl:call-template></dt>
        <dd>
          <xsl:call-template name="text">
            <!-- the repository's description is in Vietnamese and in English -->
            <xsl:with-param name="other" select="substring('en', 1, 2 * boolean(self::dc:description))"/>
          </xsl:call-template>
        </dd>
      </xsl:for-each>
    </dl>
  </xsl:template>

  <!-- A protocol element's name for a person: in words, with the element's own name. -->
  <xsl:template name="label">
    <xsl:param name="group"/>
    <xsl:variable name="words" select="t:s(concat($group, local-name()))"/>
    <xsl:choose>
      <xsl:when test="$words">
        <xsl:value-of select="$words"/>
        <xsl:text> (</xsl:text>
        <code><xsl:value-of select="local-name()"/></code>
        <xsl:text>)</xsl:text>
      </xsl:when>
      <xsl:otherwise><code><xsl:value-of select="local-name()"/></code></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ListMetadataFormats -->
  <xsl:template match="oai:ListMetadataFormats">
    <h2><xsl:value-of select="t:s('formats')"/></h2>
    <table>
      <thead>
        <tr>
          <th scope="col"><xsl:value-of select="t:s('format-prefix')"/></th>
          <th scope="col"><xsl:value-of select="t:s('format-schema')"/></th>
        </tr>
      </thead>
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
    <h2><xsl:value-of select="t:s('sets')"/></h2>
    <table>
      <thead>
        <tr>
          <th scope="col"><xsl:value-of select="t:s('set-spec')"/></th>
          <th scope="col"><xsl:value-of select="t:s('set-name')"/></th>
        </tr>
      </thead>
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
    <h2><xsl:value-of select="t:s('records')"/></h2>
    <xsl:apply-templates select="oai:resumptionToken" mode="count"/>
    <table>
      <thead>
        <tr>
          <th scope="col"><xsl:value-of select="t:s('identifier')"/></th>
          <xsl:if test="self::oai:ListRecords">
            <th scope="col"><xsl:value-of select="t:s('title')"/></th>
          </xsl:if>
          <th scope="col"><xsl:value-of select="t:s('last-changed')"/></th>
          <th scope="col"><xsl:value-of select="t:s('record-sets')"/></th>
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
    <xsl:if test="@status = 'deleted'"><xsl:value-of select="t:s('deleted-mark')"/></xsl:if>
  </xsl:template>

  <xsl:template match="oai:metadata" mode="title">
    <xsl:for-each select="(.//dc:title | .//marc:datafield[@tag = '245']/marc:subfield[@code = 'a'])[1]">
      <xsl:call-template name="text"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="oai:resumptionToken" mode="count">
    <xsl:if test="@completeListSize">
      <p>
        <xsl:value-of select="t:s('count-items')"/>
        <xsl:value-of select="t:n(@cursor + 1)"/>
        <xsl:text>–</xsl:text>
        <xsl:value-of select="t:n(@cursor + count(../oai:header | ../oai:record))"/>
        <xsl:value-of select="t:s('count-of')"/>
        <xsl:value-of select="t:n(@completeListSize)"/>
        <xsl:text>.</xsl:text>
      </p>
    </xsl:if>
  </xsl:template>

  <xsl:template match="oai:resumptionToken">
    <xsl:if test="string(.)">
      <p class="next">
        <a href="{$base}?verb={local-name(..)}&amp;resumptionToken={.}"><xsl:value-of select="t:s('next-page')"/></a>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- GetRecord -->
  <xsl:template match="oai:GetRecord">
    <xsl:for-each select="oai:record">
      <h2><xsl:value-of select="oai:header/oai:identifier"/></h2>
      <dl>
        <dt><xsl:value-of select="t:s('last-changed')"/></dt>
        <dd><xsl:value-of select="oai:header/oai:datestamp"/></dd>
        <xsl:if test="oai:header/@status = 'deleted'">
          <dt><xsl:value-of select="t:s('status')"/></dt>
          <dd><xsl:value-of select="t:s('deleted')"/></dd>
        </xsl:if>
        <xsl:for-each select="oai:header/oai:setSpec">
          <dt><xsl:value-of select="t:s('record-set')"/></dt>
          <dd><xsl:value-of select="."/></dd>
        </xsl:for-each>
        <xsl:for-each select="oai:metadata//dc:*">
          <dt><xsl:call-template name="label"><xsl:with-param name="group" select="'dc-'"/></xsl:call-template></dt>
          <dd><xsl:call-template name="text"/></dd>
        </xsl:for-each>
      </dl>
      <xsl:if test="oai:metadata/marc:record">
        <h3>MARC 21</h3>
        <table>
          <thead>
            <tr>
              <th scope="col"><xsl:value-of select="t:s('marc-tag')"/></th>
              <th scope="col"><xsl:value-of select="t:s('marc-value')"/></th>
            </tr>
          </thead>
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

  <!-- Catalogue text, marked with its language when that is not the page's (WCAG 3.1.2):
       Vietnamese on the English page; `other` (if given) for text that is not Vietnamese
       and has letters, on a page in another language. -->
  <xsl:template name="text">
    <xsl:param name="other" select="''"/>
    <xsl:variable name="language">
      <xsl:choose>
        <xsl:when test="$ui = 'vi' and not($other)"/>  <!-- nothing to tell apart -->
        <xsl:when test="tv:vietnamese(string(.))">
          <xsl:if test="$ui != 'vi'">vi</xsl:if>
        </xsl:when>
        <xsl:when test="$other != $ui and translate(., '0123456789 .,:;-–/()[]', '') != ''">
          <xsl:value-of select="$other"/>
        </xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="string($language)">
        <span lang="{$language}"><xsl:value-of select="."/></span>
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

import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { RequiredText } from '../http/wire-formats';
import { PARTY_KINDS, PartyKind } from '@ledger/domain';

export class RegisterPartyDto {
  @RequiredText(200, 'Eastlake University')
  name!: string;

  @ApiProperty({ enum: PARTY_KINDS })
  @IsIn(PARTY_KINDS, { message: `kind must be one of: ${PARTY_KINDS.join(', ')}` })
  kind!: PartyKind;
}

export class PartyCreatedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'global position of the append; pass as ?minPosition= to read your write' })
  position!: string;
}

export class PartyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PARTY_KINDS }) kind!: string;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
}
